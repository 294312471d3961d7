import { MigrationClass } from '../combine';
import { CreateCore1764230400000 } from './1764230400000-CreateCore';

/** libs/core's migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const CORE_MIGRATIONS: MigrationClass[] = [CreateCore1764230400000];
