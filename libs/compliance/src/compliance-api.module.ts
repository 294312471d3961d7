import { Module } from '@nestjs/common';
import { ComplianceModule } from './compliance.module';
import { ControlsController } from './controls/controls.controller';
import { ControlsResolver } from './controls/controls.resolver';
import { ReportsController } from './reports/reports.controller';
import { ReportsResolver } from './reports/reports.resolver';
import { ScansController } from './scans/scans.controller';
import { ScansResolver } from './scans/scans.resolver';
import { WaiversController } from './waivers/waivers.controller';
import { WaiversResolver } from './waivers/waivers.resolver';

/** REST and GraphQL for compliance; the API process imports this, the worker only ComplianceModule. */
@Module({
  imports: [ComplianceModule],
  controllers: [ControlsController, WaiversController, ScansController, ReportsController],
  providers: [ControlsResolver, WaiversResolver, ScansResolver, ReportsResolver],
})
export class ComplianceApiModule {}
