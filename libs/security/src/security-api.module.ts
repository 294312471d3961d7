import { Module } from '@nestjs/common';
import { CatalogModule } from '@opsplane/catalog';
import { AdvisoriesController } from './advisories/advisories.controller';
import { AdvisoriesResolver } from './advisories/advisories.resolver';
import { EndpointScansController } from './endpoints/endpoint-scans.controller';
import { EndpointScansResolver } from './endpoints/endpoint-scans.resolver';
import { ExposureController } from './exposure/exposure.controller';
import { ExposureResolver } from './exposure/exposure.resolver';
import { SbomsController } from './sboms/sboms.controller';
import { SbomsResolver } from './sboms/sboms.resolver';
import { ExposureService } from './exposure/exposure.service';
import { SecurityModule } from './security.module';
import { VexController } from './vex/vex.controller';
import { VexResolver } from './vex/vex.resolver';

/** REST and GraphQL for security; the API process imports this, the worker only SecurityModule. */
@Module({
  imports: [SecurityModule, CatalogModule],
  controllers: [
    AdvisoriesController,
    SbomsController,
    ExposureController,
    EndpointScansController,
    VexController,
  ],
  providers: [
    AdvisoriesResolver,
    SbomsResolver,
    ExposureResolver,
    ExposureService,
    EndpointScansResolver,
    VexResolver,
  ],
})
export class SecurityApiModule {}
