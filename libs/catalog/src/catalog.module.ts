import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArchiveGuards } from './archive-guards';
import { Archival } from './archival';
import { EnvironmentEntity } from './environment.entity';
import { EnvironmentsService } from './environments.service';
import { ServiceEntity } from './service.entity';
import { ServicesService } from './services.service';

/**
 * Services and environments: what runs, and where. Jobs and rules only; the API is in CatalogApiModule.
 * Upper layers import this one to register their archive guards with `ArchiveGuards`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ServiceEntity, EnvironmentEntity])],
  providers: [ServicesService, EnvironmentsService, ArchiveGuards, Archival],
  exports: [ServicesService, EnvironmentsService, ArchiveGuards],
})
export class CatalogModule {}
