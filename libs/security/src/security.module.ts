import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { FindingsModule } from '@opsplane/findings';
import { ReleasesModule } from '@opsplane/releases';
import { AdvisoriesService } from './advisories/advisories.service';
import { AdvisoryGauges } from './advisories/advisory.gauges';
import { AdvisorySourceEntity } from './advisories/advisory-source.entity';
import { AdvisorySyncJob } from './advisories/advisory-sync.job';
import { AdvisorySyncService } from './advisories/advisory-sync.service';
import { AdvisoryEntity, AdvisoryPackageEntity } from './advisories/advisory.entity';
import { EndpointScanResultEntity } from './endpoints/endpoint-scan-result.entity';
import { EndpointScanJobs } from './endpoints/endpoint-scan.jobs';
import { EndpointScansService } from './endpoints/endpoint-scans.service';
import { SbomComponentEntity, SbomEntity } from './sboms/sbom.entity';
import { VulnerabilityAnalysesService } from './vex/vulnerability-analyses.service';
import {
  ServiceSecuritySettingsEntity,
  VulnerabilityAnalysisEntity,
} from './vex/vulnerability-analysis.entity';
import { SbomsService } from './sboms/sboms.service';
import { SecurityGate } from './vulnerabilities/security.gate';
import { VulnerabilityScanJobs } from './vulnerabilities/vulnerability-scan.jobs';
import { VulnerabilityScansService } from './vulnerabilities/vulnerability-scans.service';

/** Security: the advisory database, releases' SBOMs and their vulnerability scans. The API is in SecurityApiModule. */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      AdvisoryEntity,
      AdvisoryPackageEntity,
      AdvisorySourceEntity,
      SbomEntity,
      SbomComponentEntity,
      EndpointScanResultEntity,
      VulnerabilityAnalysisEntity,
      ServiceSecuritySettingsEntity,
    ]),
    CatalogModule,
    ReleasesModule,
    FindingsModule,
  ],
  providers: [
    AdvisoriesService,
    SbomsService,
    VulnerabilityScansService,
    VulnerabilityScanJobs,
    SecurityGate,
    AdvisoryGauges,
    AdvisorySyncService,
    AdvisorySyncJob,
    EndpointScansService,
    EndpointScanJobs,
    VulnerabilityAnalysesService,
  ],
  exports: [
    AdvisoriesService,
    AdvisorySyncService,
    EndpointScansService,
    SbomsService,
    VulnerabilityScansService,
    VulnerabilityAnalysesService,
  ],
})
export class SecurityModule {}
