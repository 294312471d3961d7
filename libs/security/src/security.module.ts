import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdvisoriesService } from './advisories/advisories.service';
import { AdvisoryEntity, AdvisoryPackageEntity } from './advisories/advisory.entity';

/** Security: the advisory database so far. The API is in SecurityApiModule. */
@Module({
  imports: [TypeOrmModule.forFeature([AdvisoryEntity, AdvisoryPackageEntity])],
  providers: [AdvisoriesService],
  exports: [AdvisoriesService],
})
export class SecurityModule {}
