import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { FindingsModule } from '@opsplane/findings';
import { IncidentsModule } from '@opsplane/incidents';
import { ReleasesModule } from '@opsplane/releases';
import { SecurityModule } from '@opsplane/security';
import { ControlEntity, ControlVersionEntity, LibraryLoadEntity } from './controls/control.entity';
import { ControlsService } from './controls/controls.service';
import { StarterLibraryLoader } from './controls/starter-library.loader';
import { ComplianceGate } from './posture/compliance.gate';
import { OutcomeIntervalEntity } from './posture/outcome-interval.entity';
import { ReportsService } from './reports/reports.service';
import { ScanJobs } from './scans/scan.jobs';
import { EvidenceEntity, ResultEntity, ScanEntity, ScanSubjectEntity } from './scans/scan.entity';
import { ScansService } from './scans/scans.service';
import { SubjectInputs } from './scans/subject-inputs';
import { WaiverEntity } from './waivers/waiver.entity';
import { WaiversService } from './waivers/waivers.service';

/**
 * Compliance: controls as code (CEL checks over a subject's inputs, versioned), the starter
 * library, waivers, scans fanned out per subject with results and hashed evidence, the
 * deployment gate, and reports replayed from outcome history. Imported by the worker too. The API is in ComplianceApiModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      ControlEntity,
      ControlVersionEntity,
      LibraryLoadEntity,
      WaiverEntity,
      ScanEntity,
      ScanSubjectEntity,
      EvidenceEntity,
      ResultEntity,
      OutcomeIntervalEntity,
    ]),
    CatalogModule,
    SecurityModule,
    FindingsModule,
    ReleasesModule,
    IncidentsModule,
  ],
  providers: [
    ComplianceGate,
    ReportsService,
    ControlsService,
    StarterLibraryLoader,
    WaiversService,
    SubjectInputs,
    ScansService,
    ScanJobs,
  ],
  exports: [ControlsService, WaiversService, ScansService, ReportsService],
})
export class ComplianceModule {}
