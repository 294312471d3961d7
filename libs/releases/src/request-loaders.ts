import { ServiceModel, ServicesService } from '@opsplane/catalog';
import { RequestLoader, RequestLoaders } from '@opsplane/core';
import { ReleaseModel } from './dto/release.model';
import { ReleasesService } from './releases.service';

/*
 * The per-request loaders more than one resolver of this lib uses, named once: a parent that
 * loads its children's relations ahead (see `currentDeployments`) must fill the very loader the
 * children read.
 */

export function releaseLoader(
  loaders: RequestLoaders,
  releases: ReleasesService,
  request: object,
): RequestLoader<string, ReleaseModel | null> {
  return loaders.get(request, 'releaseById', (ids: readonly string[]) => releases.findMany(ids));
}

export function serviceLoader(
  loaders: RequestLoaders,
  services: ServicesService,
  request: object,
): RequestLoader<string, ServiceModel | null> {
  return loaders.get(request, 'serviceById', (ids: readonly string[]) => services.findMany(ids));
}
