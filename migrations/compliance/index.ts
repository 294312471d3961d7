import { MigrationClass } from '../combine';
import { CreateControls1764232500000 } from './1764232500000-CreateControls';
import { AddOutcomeIntervals1764232600000 } from './1764232600000-AddOutcomeIntervals';
import { KeepResultsOnIntervals1764233000000 } from './1764233000000-KeepResultsOnIntervals';

/** libs/compliance's migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const COMPLIANCE_MIGRATIONS: MigrationClass[] = [
  CreateControls1764232500000,
  AddOutcomeIntervals1764232600000,
  KeepResultsOnIntervals1764233000000,
];
