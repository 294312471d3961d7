import { Authenticator } from 'passport';
import { Strategy } from 'passport-http-bearer';
import { Actor } from './actor';
import { ApiKeysService } from './api-keys.service';

/**
 * A passport instance of our own with the `Authorization: Bearer opk_…` strategy. Not the global
 * `passport` singleton: two applications in one process (tests, tools) would otherwise share
 * whichever strategy was registered last.
 */
export type PassportAuthenticator = InstanceType<typeof Authenticator>;

export function createAuthenticator(apiKeys: ApiKeysService): PassportAuthenticator {
  const authenticator = new Authenticator();
  authenticator.use(
    'bearer',
    new Strategy(
      { passReqToCallback: true, scope: [] },
      (request: unknown, token: string, done: (error: unknown, actor?: Actor | false) => void) => {
        apiKeys.authenticate(token, (request as { id: string }).id).then(
          (actor) => done(null, actor ?? false),
          (error: unknown) => done(error),
        );
      },
    ),
  );
  return authenticator;
}

/** Runs the bearer strategy on a request: the actor, or null when the token is missing or not valid. */
export function authenticateRequest(
  authenticator: PassportAuthenticator,
  request: unknown,
): Promise<Actor | null> {
  return new Promise((resolve, reject) => {
    const middleware = authenticator.authenticate(
      'bearer',
      { session: false },
      (error: unknown, actor: Actor | false) =>
        error
          ? reject(error instanceof Error ? error : new Error('authentication failed', { cause: error }))
          : resolve(actor || null),
    ) as (request: unknown, response: unknown, next: (error?: unknown) => void) => void;
    middleware(request, {}, reject);
  });
}
