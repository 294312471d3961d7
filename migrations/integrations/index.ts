import { MigrationClass } from '../combine';
import { CreateWebhooks1764232100000 } from './1764232100000-CreateWebhooks';

/** libs/integrations' migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const INTEGRATIONS_MIGRATIONS: MigrationClass[] = [CreateWebhooks1764232100000];
