import { MigrationClass } from '../combine';
import { CreateIncidents1764231100000 } from './1764231100000-CreateIncidents';
import { AddAlertIngestion1764231150000 } from './1764231150000-AddAlertIngestion';
import { AddAlertSourceDisabling1764231200000 } from './1764231200000-AddAlertSourceDisabling';
import { SealAlertSourceSecrets1764231400000 } from './1764231400000-SealAlertSourceSecrets';

/** libs/incidents' migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const INCIDENTS_MIGRATIONS: MigrationClass[] = [
  CreateIncidents1764231100000,
  AddAlertIngestion1764231150000,
  AddAlertSourceDisabling1764231200000,
  SealAlertSourceSecrets1764231400000,
];
