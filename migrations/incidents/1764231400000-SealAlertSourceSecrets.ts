import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert source secrets leave the clear: each source keeps the SHA-256 of its secret (all that
 * Bearer, Basic and PagerDuty routing-key checks need), and only Alertmanager and Grafana sources,
 * whose senders may sign with an HMAC, keep the secret itself, sealed with OPSPLANE_SECRET_KEY.
 *
 * SQL can hash (sha256() is built in) but cannot seal: the key lives in the application. So the
 * clear values of signing sources stay in `sealed_secret` after this migration, and the
 * application seals them when it starts (AlertSourceSecretsUpgrade); PagerDuty sources' clear
 * values are dropped right here. Irreversible: a hash cannot be turned back into the secret.
 */
export class SealAlertSourceSecrets1764231400000 implements MigrationInterface {
  name = 'SealAlertSourceSecrets1764231400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_sources RENAME COLUMN secret TO sealed_secret`);
    await db.query(`ALTER TABLE alert_sources ALTER COLUMN sealed_secret DROP NOT NULL`);
    await db.query(`ALTER TABLE alert_sources ADD COLUMN secret_hash text NULL`);
    await db.query(`
      UPDATE alert_sources
         SET secret_hash = encode(sha256(convert_to(sealed_secret, 'UTF8')), 'hex'),
             sealed_secret = CASE WHEN kind = 'pagerduty' THEN NULL ELSE sealed_secret END`);
    await db.query(`ALTER TABLE alert_sources ALTER COLUMN secret_hash SET NOT NULL`);
    await db.query(`CREATE UNIQUE INDEX alert_sources_secret_hash_key ON alert_sources (secret_hash)`);
    await db.query(`
      ALTER TABLE alert_sources ADD CONSTRAINT alert_sources_sealed_secret_check
        CHECK ((sealed_secret IS NULL) = (kind = 'pagerduty'))`);
  }

  down(): Promise<void> {
    return Promise.reject(
      new Error(
        'SealAlertSourceSecrets1764231400000 cannot be reverted: routing keys are kept only as hashes',
      ),
    );
  }
}
