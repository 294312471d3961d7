import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnvironmentEntity } from './environment.entity';
import { EnvironmentsService } from './environments.service';
import { ServiceEntity } from './service.entity';
import { ServicesService } from './services.service';

/** Services and environments: what runs, and where. Jobs and rules only; the API is in CatalogApiModule. */
@Module({
  imports: [TypeOrmModule.forFeature([ServiceEntity, EnvironmentEntity])],
  providers: [ServicesService, EnvironmentsService],
  exports: [ServicesService, EnvironmentsService],
})
export class CatalogModule {}
