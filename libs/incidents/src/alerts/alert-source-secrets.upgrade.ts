import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AlertSourcesService } from './alert-sources.service';

/**
 * At start-up (after migrations): seals the alert source secrets an older version kept in clear,
 * then warns when some were sealed under another key, i.e. this process does not share
 * OPSPLANE_SECRET_KEY with the one that created them (their HMAC-signed deliveries would fail;
 * Bearer, Basic and routing keys still work, they are checked against hashes).
 */
@Injectable()
export class AlertSourceSecretsUpgrade implements OnApplicationBootstrap {
  private readonly logger = new Logger(AlertSourceSecretsUpgrade.name);

  constructor(private readonly sources: AlertSourcesService) {}

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.sources.sealLegacySecrets();
    if (sealed > 0) this.logger.log(`Sealed the clear secrets of ${sealed} alert source(s)`);
    const foreign = await this.sources.countSealedWithAnotherKey();
    if (foreign > 0)
      this.logger.error(
        `${foreign} alert source secret(s) were sealed with another key than this process's: their ` +
          'HMAC-signed deliveries will be refused until OPSPLANE_SECRET_KEY is set to that key (or the ' +
          'sources’ secrets are rotated)',
      );
  }
}
