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
  /** When every environment's endpointUrls are scanned (TLS, certificate, headers); daily by default. */
  endpointScanCron: string;
  /** Hosts scanned at once; URLs of one host are scanned one after another. */
  endpointScanConcurrency: number;
  /** Time for each handshake and each request of an endpoint scan, in milliseconds. */
  endpointScanTimeoutMs: number;
  /** A certificate expiring within this many days is a medium finding (time to renew)… */
  certificateExpiryWarnDays: number;
  /** …and within this many a high one (renewal is late). */
  certificateExpiryFailDays: number;
  /**
   * A PEM file of CA certificates trusted besides the public roots, for endpoints whose
   * certificates an internal CA issues; unset, only the public roots.
   */
  endpointScanCaFile: string | undefined;
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
  endpointScanCron: read.string('SECURITY_ENDPOINT_SCAN_CRON', '0 4 * * *'),
  endpointScanConcurrency: read.int('SECURITY_ENDPOINT_SCAN_CONCURRENCY', 4, 1, 64),
  endpointScanTimeoutMs: read.int('SECURITY_ENDPOINT_SCAN_TIMEOUT_MS', 10_000, 100, 120_000),
  certificateExpiryWarnDays: read.int('SECURITY_CERTIFICATE_EXPIRY_WARN_DAYS', 30, 1, 365),
  certificateExpiryFailDays: read.int('SECURITY_CERTIFICATE_EXPIRY_FAIL_DAYS', 14, 0, 365),
  endpointScanCaFile: read.optional('SECURITY_ENDPOINT_SCAN_CA_FILE'),
  gateSeverity: read.oneOf('SECURITY_GATE_SEVERITY', 'critical', [...FINDING_SEVERITIES, 'off'] as const),
}));
