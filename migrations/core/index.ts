import { MigrationClass } from '../combine';
import { CreateCore1764230400000 } from './1764230400000-CreateCore';
import { JobRunsEnqueueWork1764231700000 } from './1764231700000-JobRunsEnqueueWork';
import { OutboxRelay1764231800000 } from './1764231800000-OutboxRelay';
import { SealIdempotentResponses1764232200000 } from './1764232200000-SealIdempotentResponses';
import { NotifyOutboxWrites1764232300000 } from './1764232300000-NotifyOutboxWrites';
import { AddObservationWindows1764232800000 } from './1764232800000-AddObservationWindows';
import { AddAuditChainCheckpoints1764232900000 } from './1764232900000-AddAuditChainCheckpoints';

/** libs/core's migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const CORE_MIGRATIONS: MigrationClass[] = [
  CreateCore1764230400000,
  JobRunsEnqueueWork1764231700000,
  OutboxRelay1764231800000,
  SealIdempotentResponses1764232200000,
  NotifyOutboxWrites1764232300000,
  AddObservationWindows1764232800000,
  AddAuditChainCheckpoints1764232900000,
];
