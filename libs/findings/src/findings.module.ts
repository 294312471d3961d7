import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FindingEntity, FindingSlaPolicyEntity } from './finding.entity';
import { FindingReports } from './finding-reports';
import { FindingsService } from './findings.service';
import { FindingsSweep } from './findings-sweep.job';
import { UnresolvedFindingsGauge } from './unresolved-findings.gauge';

/**
 * Findings: one lifecycle for what compliance, security and performance scans find. Scanning libs
 * report through FindingReports; people read and triage through FindingsService. Imported by the
 * worker too (the sweep). The API is in FindingsApiModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([FindingEntity, FindingSlaPolicyEntity])],
  providers: [FindingsService, FindingReports, FindingsSweep, UnresolvedFindingsGauge],
  exports: [FindingsService, FindingReports],
})
export class FindingsModule {}
