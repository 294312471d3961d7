import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';

/**
 * What Apollo hands a field resolver as its third argument; Nest puts the HTTP request under `req`.
 */
export interface GraphqlContext {
  req: object;
}

/**
 * Per-request DataLoaders for GraphQL field resolvers, so a page of N parents costs one query per
 * relation, not N. Loaders are keyed by the request object: their cache must not outlive the
 * request that filled it (nor leak one caller's data to another). A loader more than one resolver
 * reads is defined once, by the lib that owns the rows, as a named function (`releaseLoader`,
 * `serviceLoader`, `environmentLoader`), so every reader shares one cache per request:
 *
 *   @ResolveField('release', () => ReleaseModel)
 *   release(deployment: DeploymentModel, _args: unknown, { req }: GraphqlContext) {
 *     return releaseLoader(this.loaders, this.releases, req).load(deployment.releaseId);
 *   }
 *
 * Field resolvers take graphql-js's own arguments (parent, args, context) and no Nest parameter
 * decorators (`@Parent()`, `@Context()`): @nestjs/graphql then binds the method as it is, instead of
 * running it through its per-call pipeline (parameter exchange, pipes, several promises). That
 * pipeline costs ~40 µs and a burst of garbage per field, which a nested read multiplies: 10,000
 * deployments' `release` took 0.4 s of a 50-environment query. Field resolvers get no guards
 * either way (the operation's own `@Requires()` covers what it returns).
 */
@Injectable()
export class RequestLoaders {
  private readonly byRequest = new WeakMap<object, Map<string, RequestLoader<unknown, unknown>>>();

  /** `batch` gets the distinct keys and must answer one value (or Error) per key, in the same order. */
  get<K, V>(
    request: object,
    name: string,
    batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
  ): RequestLoader<K, V> {
    let loaders = this.byRequest.get(request);
    if (!loaders) {
      loaders = new Map();
      this.byRequest.set(request, loaders);
    }
    let loader = loaders.get(name) as RequestLoader<K, V> | undefined;
    if (!loader) {
      loader = new RequestLoader<K, V>(batch);
      loaders.set(name, loader);
    }
    return loader;
  }
}

/**
 * A DataLoader that also answers synchronously what it already holds. graphql-js completes a plain
 * value in place but a promise through a chain of its own per field, so a parent whose batch
 * loaded its children's relations first (`await loader.loadMany(ids)`) spares every child a
 * promise: in a 50-environment nested read that is tens of thousands of them.
 */
export class RequestLoader<K, V> {
  private readonly known = new Map<K, V>();
  private readonly loader: DataLoader<K, V>;

  constructor(batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>) {
    this.loader = new DataLoader<K, V>(async (keys) => {
      const values = await batch(keys);
      values.forEach((value, index) => {
        if (!(value instanceof Error)) this.known.set(keys[index], value);
      });
      return values;
    });
  }

  /** The value itself when already loaded, otherwise a promise batched with this tick's other keys. */
  load(key: K): V | Promise<V> {
    return this.known.has(key) ? this.known.get(key)! : this.loader.load(key);
  }

  loadMany(keys: readonly K[]): Promise<(V | Error)[]> {
    return this.loader.loadMany(keys);
  }
}
