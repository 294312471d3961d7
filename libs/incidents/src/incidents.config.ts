import { defineConfig } from '@opsplane/core';
import { INCIDENT_SEVERITIES, IncidentSeverity } from './incident-status';

/** The incidents lib's settings (INCIDENTS_*), injectable by this class. */
export class IncidentsConfig {
  /**
   * Closing an incident of this severity or a worse one needs a published postmortem; null: never.
   * SEV2 by default: the incidents big enough to learn from in writing.
   */
  postmortemRequiredSeverity: IncidentSeverity | null;
  /**
   * A signed alert delivery whose signature carries a timestamp (Grafana's
   * X-Grafana-Alerting-Signature-Timestamp) is refused when that time is further than this from
   * now, either way: a captured delivery cannot be replayed later. Five minutes, as Stripe and
   * Standard Webhooks use, leaves room for clock skew and the sender's retries.
   */
  signatureToleranceSeconds: number;
}

// Read by loadConfig with core's areas, once this file is loaded (index.ts exports the class).
defineConfig(IncidentsConfig, (read) => {
  const required = read.oneOf('INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY', 'SEV2', [
    ...INCIDENT_SEVERITIES,
    'none',
  ] as const);
  return {
    postmortemRequiredSeverity: required === 'none' ? null : required,
    signatureToleranceSeconds: read.int('INCIDENTS_SIGNATURE_TOLERANCE_SECONDS', 300, 1, 86_400),
  };
});
