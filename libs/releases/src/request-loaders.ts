import { RequestLoader, RequestLoaders } from '@opsplane/core';
import { ReleaseModel } from './dto/release.model';
import { ReleasesService } from './releases.service';

/*
 * The per-request loaders more than one resolver of this lib uses, named once: a parent that
 * loads its children's relations ahead (see `currentDeployments`) must fill the very loader the
 * children read. Services' loader is the catalog's (`serviceLoader`).
 */

export function releaseLoader(
  loaders: RequestLoaders,
  releases: ReleasesService,
  request: object,
): RequestLoader<string, ReleaseModel | null> {
  return loaders.get(request, 'releaseById', (ids: readonly string[]) => releases.findMany(ids));
}
