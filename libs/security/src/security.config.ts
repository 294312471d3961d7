import { defineConfig } from '@opsplane/core';
import { FINDING_SEVERITIES, FindingSeverity } from '@opsplane/findings';

/** The security lib's settings (SECURITY_*), injectable by this class. */
export class SecurityConfig {
  /**
   * The largest SBOM an upload takes, in bytes: this route's own body limit, above the API's
   * (HTTP_BODY_LIMIT_BYTES), since an application's SBOM runs to megabytes. 16 MiB by default.
   */
  sbomMaxBytes: number;
  /**
   * When every release deployed anywhere is scanned again against the advisory database (daily
   * by default). Uploads and advisory imports scan what they concern at once; this catches the rest.
   */
  vulnerabilityScanCron: string;
  /** The largest zip of advisories an import (upload or sync download) takes, in bytes; 1 GiB by default. */
  advisoryZipMaxBytes: number;
  /**
   * URLs the advisory database is synced from, e.g. OSV's ecosystem exports
   * (`https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip`) or a mirror of them; none by
   * default (records are then imported by API). Fetched under the outbound SSRF policy.
   */
  advisorySyncUrls: string[];
  /** When the sync runs (every six hours by default); an unchanged source costs a 304. */
  advisorySyncCron: string;
  /** The longest one source's download may take, in milliseconds (10 minutes by default). */
  advisorySyncTimeoutMs: number;
  /**
   * The security gate refuses a deployment to a protected environment while the release has
   * unresolved vulnerability findings at this severity or worse past their SLA (`critical` by
   * default); `off` turns the gate off.
   */
  gateSeverity: FindingSeverity | 'off';
}

// Read by loadConfig with core's areas, once this file is loaded (index.ts exports the class).
defineConfig(SecurityConfig, (read) => ({
  sbomMaxBytes: read.int('SECURITY_SBOM_MAX_BYTES', 16 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  advisoryZipMaxBytes: read.int('SECURITY_ADVISORY_ZIP_MAX_BYTES', 1024 ** 3, 1024, 16 * 1024 ** 3),
  advisorySyncUrls: (read.optional('SECURITY_ADVISORY_SYNC_URLS') ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url.length > 0),
  advisorySyncCron: read.string('SECURITY_ADVISORY_SYNC_CRON', '15 */6 * * *'),
  advisorySyncTimeoutMs: read.int('SECURITY_ADVISORY_SYNC_TIMEOUT_MS', 600_000, 1000, 3_600_000),
  vulnerabilityScanCron: read.string('SECURITY_VULNERABILITY_SCAN_CRON', '30 3 * * *'),
  gateSeverity: read.oneOf('SECURITY_GATE_SEVERITY', 'critical', [...FINDING_SEVERITIES, 'off'] as const),
}));
