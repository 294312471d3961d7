import { defineConfig } from '@opsplane/core';

/** The compliance lib's settings (COMPLIANCE_*), injectable by this class. */
export class ComplianceConfig {
  /**
   * Load the starter library of controls on the first start of an install (once: controls edited
   * or disabled later are never loaded again). On by default; off for an install that brings all
   * of its own.
   */
  loadStarterLibrary: boolean;
  /** The longest a waiver may run, in days; it must be renewed (a new waiver) after. */
  maxWaiverDays: number;
  /** When the scheduled scan of every control on every subject runs; hourly by default. */
  scanCron: string;
}

// Read by loadConfig with core's areas, once this file is loaded (index.ts exports the class).
defineConfig(ComplianceConfig, (read) => ({
  loadStarterLibrary: read.bool('COMPLIANCE_STARTER_LIBRARY', true),
  maxWaiverDays: read.int('COMPLIANCE_MAX_WAIVER_DAYS', 365, 1, 3650),
  scanCron: read.string('COMPLIANCE_SCAN_CRON', '0 * * * *'),
}));
