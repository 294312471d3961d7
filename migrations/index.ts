import { CreateCore1764230400000 } from './1764230400000-CreateCore';
import { CreateCatalog1764230500000 } from './1764230500000-CreateCatalog';
import { CreateReleases1764230600000 } from './1764230600000-CreateReleases';
import { AddDeployWindowsAndFreezes1764230700000 } from './1764230700000-AddDeployWindowsAndFreezes';
import { AddDeploymentApprovals1764230800000 } from './1764230800000-AddDeploymentApprovals';
import { AddPromotionPolicies1764230900000 } from './1764230900000-AddPromotionPolicies';
import { AddDeploymentSchedulingAndRollback1764231000000 } from './1764231000000-AddDeploymentSchedulingAndRollback';
import { CreateIncidents1764231100000 } from './1764231100000-CreateIncidents';
import { AddAlertIngestion1764231150000 } from './1764231150000-AddAlertIngestion';
import { AddAlertSourceDisabling1764231200000 } from './1764231200000-AddAlertSourceDisabling';
import { SealAlertSourceSecrets1764231400000 } from './1764231400000-SealAlertSourceSecrets';
import { IndexDeploymentLookups1764231600000 } from './1764231600000-IndexDeploymentLookups';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS: (new () => unknown)[] = [
  CreateCore1764230400000,
  CreateCatalog1764230500000,
  CreateReleases1764230600000,
  AddDeployWindowsAndFreezes1764230700000,
  AddDeploymentApprovals1764230800000,
  AddPromotionPolicies1764230900000,
  AddDeploymentSchedulingAndRollback1764231000000,
  CreateIncidents1764231100000,
  AddAlertIngestion1764231150000,
  AddAlertSourceDisabling1764231200000,
  SealAlertSourceSecrets1764231400000,
  IndexDeploymentLookups1764231600000,
];
