import { MigrationClass } from '../combine';
import { CreateCatalog1764230500000 } from './1764230500000-CreateCatalog';

/** libs/catalog's migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const CATALOG_MIGRATIONS: MigrationClass[] = [CreateCatalog1764230500000];
