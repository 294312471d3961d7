import { RequestLoader, RequestLoaders } from '@opsplane/core';
import { EnvironmentModel } from './dto/environment.model';
import { ServiceModel } from './dto/service.model';
import { EnvironmentsService } from './environments.service';
import { ServicesService } from './services.service';

/*
 * The per-request loaders of catalog rows, named once for every lib whose GraphQL types point at
 * services or environments: one request shares one loader per name, so a parent that loads ahead
 * (releases' `currentDeployments`) and another lib's field read the same cache.
 */

export function serviceLoader(
  loaders: RequestLoaders,
  services: ServicesService,
  request: object,
): RequestLoader<string, ServiceModel | null> {
  return loaders.get(request, 'serviceById', (ids: readonly string[]) => services.findMany(ids));
}

export function environmentLoader(
  loaders: RequestLoaders,
  environments: EnvironmentsService,
  request: object,
): RequestLoader<string, EnvironmentModel | null> {
  return loaders.get(request, 'environmentById', (ids: readonly string[]) => environments.findMany(ids));
}
