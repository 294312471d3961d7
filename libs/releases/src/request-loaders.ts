import { RequestLoader, RequestLoaders } from '@opsplane/core';
import { DeploymentModel } from './dto/deployment.model';
import { DeploymentsService } from './deployments.service';
import { ReleaseModel } from './dto/release.model';
import { ReleasesService } from './releases.service';

/*
 * The per-request loaders more than one resolver of this lib uses, named once: a parent that
 * loads its children's relations ahead (see `currentDeployments`) must fill the very loader the
 * children read, and other libs whose types point at releases or deployments (incidents'
 * `causedByDeployment`) reuse them. Services' loader is the catalog's (`serviceLoader`).
 */

export function releaseLoader(
  loaders: RequestLoaders,
  releases: ReleasesService,
  request: object,
): RequestLoader<string, ReleaseModel | null> {
  return loaders.get(request, 'releaseById', (ids: readonly string[]) => releases.findMany(ids));
}

export function deploymentLoader(
  loaders: RequestLoaders,
  deployments: DeploymentsService,
  request: object,
): RequestLoader<string, DeploymentModel | null> {
  return loaders.get(request, 'deploymentById', (ids: readonly string[]) => deployments.findMany(ids));
}
