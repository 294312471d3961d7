import { GraphQLResolveInfo } from 'graphql';
import { serviceLoader, ServicesService } from '@opsplane/catalog';
import { Page, RequestLoader, RequestLoaders, selectsField } from '@opsplane/core';
import { ListDeploymentsArgs } from './dto/deployment.inputs';
import { DeploymentColumn, DeploymentModel } from './dto/deployment.model';
import { DeploymentParent, DeploymentsService } from './deployments.service';
import { ReleaseWithoutCommits } from './dto/release.model';
import { ReleasesService } from './releases.service';

/*
 * The per-request loaders more than one resolver of this lib uses, named once: a parent that
 * loads its children's relations ahead (see `loadReleasesAhead`) must fill the very loader the
 * children read, and other libs whose types point at releases or deployments (incidents'
 * `causedByDeployment`) reuse them. Services' loader is the catalog's (`serviceLoader`).
 */

export function releaseLoader(
  loaders: RequestLoaders,
  releases: ReleasesService,
  request: object,
): RequestLoader<string, ReleaseWithoutCommits | null> {
  return loaders.get(request, 'releaseById', (ids: readonly string[]) =>
    releases.findManyWithoutCommits(ids),
  );
}

export function deploymentLoader(
  loaders: RequestLoaders,
  deployments: DeploymentsService,
  request: object,
): RequestLoader<string, DeploymentModel | null> {
  return loaders.get(request, 'deploymentById', (ids: readonly string[]) => deployments.findMany(ids));
}

/** Where a list of deployments may be narrowed to one parent, in the order a batch picks one. */
const PARENTS: readonly DeploymentParent[] = ['environmentId', 'serviceId', 'releaseId'];

/**
 * A page of `DeploymentsService.list(args)`, batched: first pages asked in the same tick that
 * differ only in their `parent` — every environment's (service's, release's) `deployments`, or
 * root `deployments(environmentId: …)` lists under aliases — are read in one statement. A page
 * with a cursor, or of no parent, is read alone. The parent is the one given, else the first of
 * environment, service, release that `args` sets. `ahead` runs once per batch with every
 * deployment it read, to load what their children will ask for (see `loadReleasesAhead`).
 */
export function deploymentPage(
  loaders: RequestLoaders,
  deployments: DeploymentsService,
  request: object,
  args: ListDeploymentsArgs,
  options: {
    columns: readonly DeploymentColumn[];
    parent?: DeploymentParent;
    ahead?: (deployments: DeploymentModel[]) => Promise<void>;
  },
): Page<DeploymentModel> | Promise<Page<DeploymentModel>> {
  const { columns, ahead } = options;
  const parent = options.parent ?? PARENTS.find((name) => args[name] != null);
  if (!parent || args[parent] == null || args.cursor != null) return deployments.list(args, columns);
  const { [parent]: parentId, cursor: _cursor, ...shared } = args;
  const name = `deploymentPages:${parent}:${columns.join()}:${JSON.stringify(shared)}`;
  return loaders
    .get(request, name, async (ids: readonly string[]) => {
      const pages = await deployments.firstPages(parent, ids, shared, columns);
      await ahead?.(pages.flatMap((page) => page.items));
      return pages;
    })
    .load(parentId!);
}

/**
 * The releases (and their services) of `deployments`, loaded now when the query asks for them
 * below `path` (`['items']` under a page): the same statements the children's loaders would
 * send, but every `release` and `service` below then resolves to a value instead of a promise,
 * which halves the CPU of a 50-environment read. A deployment carries its release's service id,
 * so both statements go out at once.
 */
export async function loadReleasesAhead(
  loaders: RequestLoaders,
  releases: ReleasesService,
  services: ServicesService,
  request: object,
  info: GraphQLResolveInfo,
  deployments: DeploymentModel[],
  path: readonly string[] = [],
): Promise<void> {
  if (deployments.length === 0 || !selectsField(info, [...path, 'release'])) return;
  const releaseIds = unique(deployments.map((deployment) => deployment.releaseId));
  const withServices = selectsField(info, [...path, 'release', 'service']);
  await Promise.all([
    releaseLoader(loaders, releases, request).loadMany(releaseIds),
    withServices
      ? serviceLoader(loaders, services, request).loadMany(
          unique(deployments.map((deployment) => deployment.serviceId)),
        )
      : undefined,
  ]);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
