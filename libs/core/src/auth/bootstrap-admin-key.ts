import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthConfig, HttpConfig } from '../config/config';
import { withStartupLock } from '../database/migrate';
import { systemActor } from './actor';
import { ApiKeysService } from './api-keys.service';

/**
 * At start-up, when no admin key is active (the first start, or every admin key revoked or
 * expired), creates one so the operator can get in. Replicas starting together serialise on a
 * lock, so exactly one key is made. A generated token is printed once to the terminal by
 * `announce()`, never to the structured log.
 */
@Injectable()
export class BootstrapAdminKey implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminKey.name);
  /** The generated token until announce() has printed it. */
  private unannounced: string | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeysService,
    private readonly http: HttpConfig,
    private readonly auth: AuthConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const token = await withStartupLock(this.dataSource, () =>
      this.apiKeys.bootstrapAdminKey(systemActor('bootstrap', 'startup')),
    );
    if (!token) return;
    if (token === this.auth.bootstrapToken) {
      this.logger.log('No admin API key was active: created one from OPSPLANE_BOOTSTRAP_TOKEN');
      return;
    }
    if (this.auth.bootstrapToken)
      this.logger.warn(
        'OPSPLANE_BOOTSTRAP_TOKEN belongs to a key that was revoked or has expired, so it was not ' +
          'used again: generated a new admin API key instead',
      );
    this.logger.log('No admin API key was active: created one (printed once on stdout when listening)');
    this.unannounced = token;
  }

  /**
   * Prints the key created at start-up, once. Called by main.ts after the server listens, so the
   * key is the last thing on the terminal rather than lost among the start-up logs, and the
   * `curl` it suggests works at once. `write` goes to the terminal, never to the structured log.
   */
  announce(write: (text: string) => void): void {
    const token = this.unannounced;
    if (!token) return;
    this.unannounced = undefined;
    const base = `http://localhost:${this.http.port}`;
    const rule = '='.repeat(78);
    write(
      `\n  ${rule}\n\n` +
        `  Opsplane admin API key (shown once, store it now):\n\n    ${token}\n\n` +
        `  Try it:  curl -H "Authorization: Bearer ${token}" ${base}/v1/environments\n\n` +
        `  ${rule}\n\n`,
    );
  }
}
