import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders for GraphQL field resolvers, so a page of N parents costs one query per
 * relation, not N. Loaders are keyed by the request object: their cache must not outlive the
 * request that filled it (nor leak one caller's data to another).
 *
 *   @ResolveField() release(@Parent() d, @Context('req') req: object) {
 *     return this.loaders.get(req, 'releaseById', (ids: readonly string[]) => this.releases.findMany(ids)).load(d.releaseId);
 *   }
 */
@Injectable()
export class RequestLoaders {
  private readonly byRequest = new WeakMap<object, Map<string, DataLoader<unknown, unknown>>>();

  /** `batch` gets the distinct keys and must answer one value (or Error) per key, in the same order. */
  get<K, V>(
    request: object,
    name: string,
    batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
  ): DataLoader<K, V> {
    let loaders = this.byRequest.get(request);
    if (!loaders) {
      loaders = new Map();
      this.byRequest.set(request, loaders);
    }
    let loader = loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V>(batch);
      loaders.set(name, loader);
    }
    return loader;
  }
}
