import { defineConfig } from '@opsplane/core';

/** The findings lib's settings (FINDINGS_*), injectable by this class. */
export class FindingsConfig {
  /**
   * When the sweep runs: it reopens accepted risks whose acceptance expired and records SLA
   * breaches (`finding.sla_breached`). Every five minutes by default: a breach is known within
   * five minutes of its due date, for the cost of two index lookups.
   */
  sweepCron: string;
  /** The longest a risk may be accepted for, in days; an acceptance must be renewed after. */
  maxAcceptanceDays: number;
}

// Read by loadConfig with core's areas, once this file is loaded (index.ts exports the class).
defineConfig(FindingsConfig, (read) => ({
  sweepCron: read.string('FINDINGS_SWEEP_CRON', '*/5 * * * *'),
  maxAcceptanceDays: read.int('FINDINGS_MAX_ACCEPTANCE_DAYS', 365, 1, 3650),
}));
