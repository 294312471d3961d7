import { defineConfig } from '@opsplane/core';

/** The integrations lib's settings (WEBHOOKS_*), injectable by this class. */
export class WebhooksConfig {
  /**
   * How long a delivery is retried after it was first due, backing off exponentially (with
   * jitter) between attempts; its last attempt is at the end of the period. A webhook none of
   * whose deliveries succeeded for a whole period is disabled, with the reason. 24 h by default.
   */
  retryPeriodSeconds: number;
  /** The first retry's delay; each later one doubles it, up to `retryMaxDelaySeconds`. */
  retryFirstDelaySeconds: number;
  retryMaxDelaySeconds: number;
  /** Requests to one webhook one process has in flight at once: one slow receiver keeps the others' pace. */
  concurrencyPerWebhook: number;
}

// Read by loadConfig with core's areas, once this file is loaded (index.ts exports the class).
defineConfig(WebhooksConfig, (read) => ({
  retryPeriodSeconds: read.int('WEBHOOKS_RETRY_PERIOD_SECONDS', 86_400, 60, 30 * 86_400),
  retryFirstDelaySeconds: read.int('WEBHOOKS_RETRY_FIRST_DELAY_SECONDS', 10, 1, 3_600),
  retryMaxDelaySeconds: read.int('WEBHOOKS_RETRY_MAX_DELAY_SECONDS', 7_200, 1, 86_400),
  concurrencyPerWebhook: read.int('WEBHOOKS_CONCURRENCY_PER_WEBHOOK', 4, 1, 32),
}));
