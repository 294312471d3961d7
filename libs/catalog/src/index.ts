export { CatalogModule } from './catalog.module';
export { CatalogApiModule } from './catalog-api.module';
export { ServicesService } from './services.service';
export { EnvironmentsService } from './environments.service';
export { ServiceModel, ServiceLink, ServiceCriticality, SERVICE_CRITICALITIES } from './dto/service.model';
export { EnvironmentModel, EnvironmentTier, ENVIRONMENT_TIERS } from './dto/environment.model';
export { CatalogErrors } from './catalog.errors';
export {
  ArchivableKind,
  ArchiveGuard,
  ArchiveGuardContext,
  ArchiveGuards,
  ArchiveOptions,
} from './archive-guards';
export { environmentLoader, serviceLoader } from './request-loaders';
