import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { ReleaseModel } from './dto/release.model';
import { ReleasesService } from './releases.service';

interface RequestLoaders {
  releases: DataLoader<string, ReleaseModel | null>;
}

/**
 * Per-request DataLoaders for GraphQL fields that reach a release (deployment → release), so a
 * page of deployments costs two queries (releases, their commits), not two per deployment.
 * Keyed by the request object: a loader's cache must not outlive the request that filled it.
 */
@Injectable()
export class ReleaseLoaders {
  private readonly byRequest = new WeakMap<object, RequestLoaders>();

  constructor(private readonly releases: ReleasesService) {}

  for(request: object): RequestLoaders {
    let loaders = this.byRequest.get(request);
    if (!loaders) {
      loaders = { releases: new DataLoader((ids) => this.releases.findMany(ids)) };
      this.byRequest.set(request, loaders);
    }
    return loaders;
  }
}
