import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@opsplane/catalog';
import { ControlEntity, ControlVersionEntity, LibraryLoadEntity } from './controls/control.entity';
import { ControlsService } from './controls/controls.service';
import { StarterLibraryLoader } from './controls/starter-library.loader';
import { WaiverEntity } from './waivers/waiver.entity';
import { WaiversService } from './waivers/waivers.service';

/**
 * Compliance: controls as code (CEL checks over a subject's inputs, versioned), the starter
 * library, waivers, and (to come) scans, results with evidence and reports. Imported by the
 * worker too. The API is in ComplianceApiModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ControlEntity, ControlVersionEntity, LibraryLoadEntity, WaiverEntity]),
    CatalogModule,
  ],
  providers: [ControlsService, StarterLibraryLoader, WaiversService],
  exports: [ControlsService, WaiversService],
})
export class ComplianceModule {}
