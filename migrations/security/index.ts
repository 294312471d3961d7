import { MigrationClass } from '../combine';
import { CreateAdvisories1764233100000 } from './1764233100000-CreateAdvisories';
import { CreateSboms1764233200000 } from './1764233200000-CreateSboms';
import { CreateAdvisorySources1764233300000 } from './1764233300000-CreateAdvisorySources';
import { CreateEndpointScanResults1764233400000 } from './1764233400000-CreateEndpointScanResults';
import { CreateVulnerabilityAnalyses1764233500000 } from './1764233500000-CreateVulnerabilityAnalyses';

/** libs/security's migrations, oldest first. Add new ones at the end; never edit one that has shipped. */
export const SECURITY_MIGRATIONS: MigrationClass[] = [
  CreateAdvisories1764233100000,
  CreateSboms1764233200000,
  CreateAdvisorySources1764233300000,
  CreateEndpointScanResults1764233400000,
  CreateVulnerabilityAnalyses1764233500000,
];
