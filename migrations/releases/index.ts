import { MigrationClass } from '../combine';
import { CreateReleases1764230600000 } from './1764230600000-CreateReleases';
import { AddDeployWindowsAndFreezes1764230700000 } from './1764230700000-AddDeployWindowsAndFreezes';
import { AddDeploymentApprovals1764230800000 } from './1764230800000-AddDeploymentApprovals';
import { AddPromotionPolicies1764230900000 } from './1764230900000-AddPromotionPolicies';
import { AddDeploymentSchedulingAndRollback1764231000000 } from './1764231000000-AddDeploymentSchedulingAndRollback';
import { IndexDeploymentLookups1764231600000 } from './1764231600000-IndexDeploymentLookups';
import { AddDeploymentGateOverrides1764232700000 } from './1764232700000-AddDeploymentGateOverrides';

/** libs/releases' migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const RELEASES_MIGRATIONS: MigrationClass[] = [
  CreateReleases1764230600000,
  AddDeployWindowsAndFreezes1764230700000,
  AddDeploymentApprovals1764230800000,
  AddPromotionPolicies1764230900000,
  AddDeploymentSchedulingAndRollback1764231000000,
  IndexDeploymentLookups1764231600000,
  AddDeploymentGateOverrides1764232700000,
];
