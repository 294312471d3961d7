import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthConfig, HttpConfig } from '../config/config';
import { withStartupLock } from '../database/migrate';
import { systemActor } from './actor';
import { ApiKeysService } from './api-keys.service';

/**
 * At start-up, when no admin key is active (the first start, or every admin key revoked or
 * expired), creates one so the operator can get in, and prints a generated token once to the
 * terminal, never to the structured log. Replicas starting together serialise on a lock, so
 * exactly one key is made.
 */
@Injectable()
export class BootstrapAdminKey implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapAdminKey.name);

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
    this.logger.log('No admin API key was active: created one (printed once on stdout)');
    const base = `http://localhost:${this.http.port}`;
    process.stdout.write(
      `\n  Opsplane admin API key (shown once, store it now):\n\n    ${token}\n\n` +
        `  Try it:  curl -H "Authorization: Bearer ${token}" ${base}/v1/environments\n\n`,
    );
  }
}
