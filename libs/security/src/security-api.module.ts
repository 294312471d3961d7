import { Module } from '@nestjs/common';
import { AdvisoriesController } from './advisories/advisories.controller';
import { AdvisoriesResolver } from './advisories/advisories.resolver';
import { ExposureController } from './exposure/exposure.controller';
import { ExposureResolver } from './exposure/exposure.resolver';
import { SbomsController } from './sboms/sboms.controller';
import { SbomsResolver } from './sboms/sboms.resolver';
import { ExposureService } from './exposure/exposure.service';
import { SecurityModule } from './security.module';

/** REST and GraphQL for security; the API process imports this, the worker only SecurityModule. */
@Module({
  imports: [SecurityModule],
  controllers: [AdvisoriesController, SbomsController, ExposureController],
  providers: [AdvisoriesResolver, SbomsResolver, ExposureResolver, ExposureService],
})
export class SecurityApiModule {}
