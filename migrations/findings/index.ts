import { MigrationClass } from '../combine';
import { CreateFindings1764232400000 } from './1764232400000-CreateFindings';

/** libs/findings' migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const FINDINGS_MIGRATIONS: MigrationClass[] = [CreateFindings1764232400000];
