import { Module } from '@nestjs/common';
import { CatalogModule } from './catalog.module';
import { EnvironmentsController } from './environments.controller';
import { EnvironmentsResolver } from './environments.resolver';
import { ServicesController } from './services.controller';
import { ServicesResolver } from './services.resolver';

/** REST and GraphQL for the catalog; the API process imports this, the worker only CatalogModule. */
@Module({
  imports: [CatalogModule],
  controllers: [ServicesController, EnvironmentsController],
  providers: [ServicesResolver, EnvironmentsResolver],
})
export class CatalogApiModule {}
