/**
 * The starter library: the controls a new install begins with, as data. Each is an ordinary
 * control (a CEL check over the inputs of control-language.ts) that users may edit or disable.
 *
 * ## Facts vocabulary
 *
 * Checks over `environment.facts` read these keys; environment owners record them (free-form JSON,
 * so a fact may be missing or mistyped). Every check guards each level with `has(...)` and each
 * value with its type (`== true` for booleans, `type(...) == int` for numbers, an RFC 3339 pattern
 * before `timestamp(...)`), so a missing or malformed fact fails the check instead of erroring.
 * Instants in facts stay strings (control-language.ts converts none inside `facts`).
 *
 * | Fact                                         | Type              | Meaning                                                          |
 * | -------------------------------------------- | ----------------- | ---------------------------------------------------------------- |
 * | `facts.backups.enabled`                      | bool              | Automated backups of the environment's data stores run.          |
 * | `facts.backups.retentionDays`                | int               | How long backups are kept, in days.                              |
 * | `facts.backups.lastRestoreTestAt`            | string (RFC 3339) | When a restore from backup was last tested successfully.         |
 * | `facts.encryption.atRest`                    | bool              | Data stores and volumes are encrypted at rest.                   |
 * | `facts.auth.mfaRequiredForAdmins`            | bool              | Administrative access (consoles, clusters, databases) needs MFA. |
 * | `facts.access.lastReviewedAt`                | string (RFC 3339) | When who-has-access was last reviewed and signed off.            |
 * | `facts.monitoring.alerting`                  | bool              | Health and security alerts page someone (on-call).               |
 * | `facts.logging.centralized`                  | bool              | Logs are shipped to a central store outside the environment.     |
 * | `facts.logging.retentionDays`                | int               | How long those logs are kept, in days.                           |
 * | `facts.vulnerabilityScanning.enabled`        | bool              | Hosts, images or dependencies are scanned automatically.         |
 * | `facts.isolation.separatedFromNonProduction` | bool              | Separate account/network/credentials from non-production.        |
 *
 * ## Conventions
 *
 * - Endpoint checks (TLS, certificates, headers) pass vacuously when there are no endpoints and
 *   skip unreachable ones (`reachable == false`: tls and headers are null); `endpoints-scanned` and
 *   `endpoints-reachable` are the controls that fail on missing or unreachable scans. A reachable
 *   endpoint without TLS (plain http) fails the TLS and certificate checks.
 * - Finding checks ignore findings of kind `compliance` where a control's own finding could keep
 *   it failing after the cause is fixed (a control opens a finding when it fails; if that finding
 *   counted, the control could never pass again).
 * - Platform inputs (audit chain, admin keys) are install-wide; their controls are scoped to
 *   production environments so they are evaluated, and reported, once per production environment.
 * - `enforce` only where a failure should block production deployments; the rest `report`.
 */
import type { FrameworkId } from '../frameworks/frameworks';

export interface StarterControl {
  slug: string;
  title: string;
  description: string;
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  frameworks: { framework: FrameworkId; requirement: string }[];
  subjectType: 'environment' | 'service';
  scope: {
    tiers?: ('development' | 'testing' | 'staging' | 'production' | 'other')[];
    slugs?: string[];
    protected?: boolean;
    criticalities?: ('low' | 'medium' | 'high' | 'critical')[];
  };
  mode: 'enforce' | 'report';
  expression: string;
  remediation: string;
}

/**
 * A CEL expression written as an indented template literal: the common indentation and the outer
 * blank lines go, the line breaks stay (users read the stored expression). Raw, so a backslash in
 * the source reaches CEL as written.
 */
function cel(strings: TemplateStringsArray, ...values: string[]): string {
  const text = String.raw({ raw: strings.raw }, ...values);
  const lines = text
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split('\n');
  const indent = Math.min(
    ...lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length),
  );
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** An RFC 3339 instant as `timestamp()` accepts it (seconds, up to milliseconds, Z or an offset). */
const RFC3339 =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,3})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

/** A finding past its SLA: flagged by the findings sweep, or due before the scan. */
const PAST_SLA = '(f.overdue == true || (f.slaDueAt != null && f.slaDueAt < now))';

const PRODUCTION: StarterControl['scope'] = { tiers: ['production'] };
const PROTECTED: StarterControl['scope'] = { protected: true };
const ALL: StarterControl['scope'] = {};

const TLS_MAPPINGS: StarterControl['frameworks'] = [
  { framework: 'iso27001', requirement: 'A.8.24' },
  { framework: 'soc2', requirement: 'CC6.7' },
  { framework: 'cis_v8', requirement: '3.10' },
];

const WEB_HEADER_MAPPINGS: StarterControl['frameworks'] = [
  { framework: 'iso27001', requirement: 'A.8.26' },
  { framework: 'soc2', requirement: 'CC6.6' },
  { framework: 'cis_v8', requirement: '16.7' },
];

const CHANGE_MAPPINGS: StarterControl['frameworks'] = [
  { framework: 'iso27001', requirement: 'A.8.32' },
  { framework: 'soc2', requirement: 'CC8.1' },
  { framework: 'cis_v8', requirement: '16.1' },
];

/** Frozen all the way down: controls share mapping and scope values, so no caller may edit them in place. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const STARTER_CONTROLS: readonly StarterControl[] = deepFreeze([
  // ── Encryption in transit (endpoint scans) ──────────────────────────────────────────────────────
  {
    slug: 'tls-minimum-version-1-2',
    title: 'Endpoints offer TLS 1.2 or newer only',
    description:
      'Every reachable endpoint negotiates TLS and offers only TLSv1.2 or TLSv1.3; SSLv3, TLSv1 and TLSv1.1 ' +
      'are deprecated (RFC 8996) and absent from Mozilla’s intermediate configuration.',
    severity: 'high',
    frameworks: TLS_MAPPINGS,
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'enforce',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.tls != null &&
        e.tls.protocols.size() > 0 &&
        e.tls.protocols.all(p, p in ["TLSv1.2", "TLSv1.3"])
      ))`,
    remediation:
      'Disable SSLv3, TLSv1 and TLSv1.1 on the load balancer or web server (Mozilla "intermediate" profile) ' +
      'and serve every endpoint over HTTPS.',
  },
  {
    slug: 'tls-certificate-valid-14-days',
    title: 'Certificates are valid for more than 14 days',
    description:
      'The certificate of every reachable endpoint is already valid and stays valid for more than 14 more days, ' +
      'leaving time to renew before clients start failing.',
    severity: 'high',
    frameworks: TLS_MAPPINGS,
    subjectType: 'environment',
    scope: ALL,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.tls != null &&
        e.tls.certificate != null &&
        e.tls.certificate.validFrom <= now &&
        e.tls.certificate.validTo - now > duration("336h")
      ))`,
    remediation:
      'Renew the certificate now and automate renewal (ACME or your provider’s managed certificates) well ahead ' +
      'of expiry.',
  },
  {
    slug: 'tls-certificate-hostname-matches',
    title: 'Certificates match the endpoint hostname',
    description:
      'The certificate each reachable endpoint presents covers its hostname, so clients can verify they reached ' +
      'the right server.',
    severity: 'high',
    frameworks: TLS_MAPPINGS,
    subjectType: 'environment',
    scope: ALL,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.tls != null &&
        e.tls.certificate != null &&
        e.tls.certificate.hostnameMatches == true
      ))`,
    remediation:
      'Issue a certificate whose subject alternative names include the endpoint’s hostname, or point the URL at ' +
      'a host that serves a matching one.',
  },
  {
    slug: 'hsts-enabled',
    title: 'HTTP Strict Transport Security is set for at least 180 days',
    description:
      'Reachable endpoints send Strict-Transport-Security with one max-age directive of at least 15552000 seconds ' +
      '(180 days), so browsers refuse plain HTTP to them; OWASP and Mozilla recommend two years (63072000).',
    severity: 'medium',
    frameworks: [...TLS_MAPPINGS, { framework: 'iso27001', requirement: 'A.8.26' }],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.headers != null &&
        "strict-transport-security" in e.headers &&
        cel.bind(parts, e.headers["strict-transport-security"].lowerAscii().split("max-age="),
          parts.size() == 2 &&
          (parts[0].trim() == "" || parts[0].trim().endsWith(";")) &&
          cel.bind(age, parts[1].split(";")[0].trim().split('"').join(),
            age.matches("^[0-9]{1,15}$") && int(age) >= 15552000
          )
        )
      ))`,
    remediation:
      'Send "Strict-Transport-Security: max-age=63072000; includeSubDomains" on every HTTPS response once all ' +
      'subdomains serve HTTPS.',
  },

  // ── Web security headers (endpoint scans) ───────────────────────────────────────────────────────
  {
    slug: 'x-content-type-options-nosniff',
    title: 'X-Content-Type-Options is nosniff',
    description:
      'Reachable endpoints send X-Content-Type-Options: nosniff, so browsers do not reinterpret responses as ' +
      'another content type (MIME sniffing).',
    severity: 'low',
    frameworks: WEB_HEADER_MAPPINGS,
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.headers != null &&
        "x-content-type-options" in e.headers &&
        e.headers["x-content-type-options"].trim().lowerAscii() == "nosniff"
      ))`,
    remediation: 'Add "X-Content-Type-Options: nosniff" to every response at the web server or application.',
  },
  {
    slug: 'content-security-policy-present',
    title: 'A Content-Security-Policy is sent',
    description:
      'Reachable endpoints send a non-empty Content-Security-Policy, the main browser-side defence against ' +
      'cross-site scripting and content injection.',
    severity: 'medium',
    frameworks: WEB_HEADER_MAPPINGS,
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.headers != null &&
        "content-security-policy" in e.headers &&
        e.headers["content-security-policy"].trim() != ""
      ))`,
    remediation:
      "Define a Content-Security-Policy (start from OWASP’s \"default-src 'self'; object-src 'none'; " +
      "frame-ancestors 'none'\") and tighten it per application; trial it with the Report-Only header first.",
  },
  {
    slug: 'clickjacking-protection',
    title: 'Pages cannot be framed by other sites',
    description:
      'Reachable endpoints forbid framing by other origins, with X-Frame-Options DENY or SAMEORIGIN or a CSP ' +
      'frame-ancestors directive, which prevents clickjacking.',
    severity: 'low',
    frameworks: WEB_HEADER_MAPPINGS,
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || (
        e.headers != null && (
          ("x-frame-options" in e.headers &&
            e.headers["x-frame-options"].trim().lowerAscii() in ["deny", "sameorigin"]) ||
          ("content-security-policy" in e.headers &&
            e.headers["content-security-policy"].lowerAscii().contains("frame-ancestors"))
        )
      ))`,
    remediation:
      "Add \"frame-ancestors 'none'\" (or 'self') to the Content-Security-Policy, or send " +
      '"X-Frame-Options: DENY" for older browsers.',
  },
  {
    slug: 'no-technology-disclosure-headers',
    title: 'Responses do not disclose the software stack',
    description:
      'Reachable endpoints send no X-Powered-By, X-AspNet-Version, X-AspNetMvc-Version or X-Generator header and ' +
      'no version number in Server, which OWASP lists as headers to remove.',
    severity: 'low',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.9' },
      { framework: 'cis_v8', requirement: '16.7' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      endpoints.all(e, !e.reachable || e.headers == null || (
        !("x-powered-by" in e.headers) &&
        !("x-aspnet-version" in e.headers) &&
        !("x-aspnetmvc-version" in e.headers) &&
        !("x-generator" in e.headers) &&
        (!("server" in e.headers) || !e.headers["server"].matches("[0-9]"))
      ))`,
    remediation:
      'Strip X-Powered-By and framework version headers at the proxy, and configure the server to omit its ' +
      'version (e.g. nginx "server_tokens off").',
  },
  {
    slug: 'endpoints-scanned',
    title: 'Every endpoint has a recent scan',
    description:
      'Each URL recorded on the environment has an endpoint scan result from the last 7 days, so the TLS and ' +
      'header controls judge current evidence; passes when the environment lists no URLs.',
    severity: 'low',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'cis_v8', requirement: '7.6' },
    ],
    subjectType: 'environment',
    scope: ALL,
    mode: 'report',
    expression: cel`
      cel.bind(scanned, endpoints.filter(e, now - e.scannedAt <= duration("168h")).map(e, e.url),
        environment.endpointUrls.all(u, u in scanned)
      )`,
    remediation:
      'Run the endpoint scan for the environment (and schedule it at least weekly); remove URLs that no longer ' +
      'exist from the environment.',
  },
  {
    slug: 'endpoints-reachable',
    title: 'Endpoints are reachable by the scanner',
    description:
      'Every scanned endpoint answered the last scan; an unreachable endpoint is either down or cannot be ' +
      'assessed by the TLS and header controls.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.16' },
      { framework: 'soc2', requirement: 'CC7.2' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: 'endpoints.all(e, e.reachable == true)',
    remediation:
      'Check that the endpoint is up and that the scanner may reach it (DNS, firewall, allow-lists), or remove ' +
      'the retired URL from the environment.',
  },

  // ── Vulnerability and finding management ────────────────────────────────────────────────────────
  {
    slug: 'no-critical-vulnerabilities-past-sla',
    title: 'No critical vulnerability is past its SLA',
    description:
      'No open or triaged critical vulnerability finding about the environment is past its remediation SLA ' +
      '(7 days by default).',
    severity: 'critical',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'cis_v8', requirement: '7.7' },
      { framework: 'cis_v8', requirement: '7.2' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'enforce',
    expression: cel`
      !findings.exists(f,
        f.kind == "vulnerability" && f.severity == "critical" && ${PAST_SLA}
      )`,
    remediation:
      'Upgrade or patch the affected components and deploy the fix, or record a time-boxed risk acceptance with ' +
      'an approver if no fix exists yet.',
  },
  {
    slug: 'no-high-findings-past-sla',
    title: 'No high or critical finding is past its SLA',
    description:
      'No open or triaged finding of severity high or critical (vulnerability, endpoint or performance) about ' +
      'the environment is past its SLA; compliance findings are left to their own controls.',
    severity: 'high',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'soc2', requirement: 'CC4.2' },
      { framework: 'cis_v8', requirement: '7.2' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      !findings.exists(f,
        f.kind != "compliance" && f.severity in ["critical", "high"] && ${PAST_SLA}
      )`,
    remediation:
      'Remediate the overdue findings, or triage them with a documented risk acceptance or false-positive ' +
      'justification.',
  },

  // ── Change management ───────────────────────────────────────────────────────────────────────────
  {
    slug: 'production-deploy-approval-required',
    title: 'Production deployments need approval',
    description:
      'The environment has an approval rule requiring at least one approval before a deployment may run, so no ' +
      'change reaches production on one person’s say-so.',
    severity: 'high',
    frameworks: [...CHANGE_MAPPINGS, { framework: 'iso27001', requirement: 'A.5.3' }],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'enforce',
    expression: 'policies.approvalRule != null && policies.approvalRule.requiredApprovals >= 1',
    remediation:
      'Create an approval rule for the environment requiring at least one approval by a release approver.',
  },
  {
    slug: 'production-deployments-approved',
    title: 'Production deployments that ran were approved',
    description:
      'Every deployment of the last 30 days that was queued, ran or finished (succeeded or failed) had received ' +
      'its required approvals.',
    severity: 'high',
    frameworks: CHANGE_MAPPINGS,
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      deployments.all(d,
        !(d.status in ["queued", "running", "succeeded", "failed"]) || d.isApproved == true
      )`,
    remediation:
      'Review the unapproved deployments after the fact and record the review; make sure the approval rule ' +
      'exists so new deployments wait for approval.',
  },
  {
    slug: 'production-freeze-policy-defined',
    title: 'A change freeze policy is defined',
    description:
      'The environment has an upcoming or current freeze period, or a recurring deny deploy window, so high-risk ' +
      'periods are protected from change.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.32' },
      { framework: 'soc2', requirement: 'CC8.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      policies.freezePeriods.size() > 0 ||
      policies.deployWindows.exists(w, w.kind == "deny")`,
    remediation:
      'Schedule the known freeze periods (releases, peak sales, holidays) or add a recurring deny window for the ' +
      'environment.',
  },
  {
    slug: 'production-deploy-windows-defined',
    title: 'Deploy windows are defined',
    description:
      'The environment has at least one allow deploy window, so deployments happen when people are around to ' +
      'watch them.',
    severity: 'low',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.32' },
      { framework: 'soc2', requirement: 'CC8.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: 'policies.deployWindows.exists(w, w.kind == "allow")',
    remediation:
      'Add an allow deploy window for the environment (e.g. working hours on weekdays, in its time zone).',
  },
  {
    slug: 'production-promotion-policy-enabled',
    title: 'Releases are promoted through lower environments',
    description:
      'A promotion policy is in force: the default one, or a custom one that is enabled and requires at least ' +
      'one successful deployment in a lower environment first.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.32' },
      { framework: 'iso27001', requirement: 'A.8.31' },
      { framework: 'soc2', requirement: 'CC8.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      policies.promotionPolicy == null || (
        policies.promotionPolicy.enabled == true &&
        policies.promotionPolicy.minimumSuccesses >= 1
      )`,
    remediation:
      'Enable the environment’s promotion policy (or delete it to fall back to the default), with at least one ' +
      'required success below.',
  },
  {
    slug: 'gate-overrides-exceptional',
    title: 'Deployment gate overrides stay exceptional',
    description:
      'At most 3 deployments of the last 30 days overrode a freeze or deploy window; overrides carry a reason, ' +
      'but frequent ones mean the policy no longer reflects practice.',
    severity: 'low',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.32' },
      { framework: 'soc2', requirement: 'CC8.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: 'deployments.filter(d, d.overridden == true).size() <= 3',
    remediation:
      'Review the override reasons with the release owners; adjust the freeze periods or deploy windows, or the ' +
      'practice, so overrides are rare again.',
  },

  // ── Incident management ─────────────────────────────────────────────────────────────────────────
  {
    slug: 'incident-postmortems-published',
    title: 'SEV1 and SEV2 postmortems are published within 5 days',
    description:
      'Every SEV1 or SEV2 incident resolved more than 5 days ago has a published postmortem, published within ' +
      '5 days of resolution.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.27' },
      { framework: 'soc2', requirement: 'CC7.5' },
      { framework: 'cis_v8', requirement: '17.8' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      incidents.all(i,
        !(i.severity in ["SEV1", "SEV2"]) ||
        i.resolvedAt == null ||
        now - i.resolvedAt <= duration("120h") ||
        (i.postmortem != null &&
          i.postmortem.status == "published" &&
          i.postmortem.publishedAt != null &&
          i.postmortem.publishedAt - i.resolvedAt <= duration("120h"))
      )`,
    remediation:
      'Write and publish the postmortem (timeline, root cause, follow-up actions); schedule the review within a ' +
      'few days of resolving the next major incident.',
  },
  {
    slug: 'sev1-incidents-resolved-within-2-days',
    title: 'SEV1 incidents are resolved within 2 days',
    description:
      'Every SEV1 incident of the last 90 days was resolved within 48 hours of being triggered, and no open ' +
      'SEV1 is older than that.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.26' },
      { framework: 'soc2', requirement: 'CC7.4' },
      { framework: 'cis_v8', requirement: '17.4' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      incidents.all(i,
        i.severity != "SEV1" || (
          i.resolvedAt != null
            ? i.resolvedAt - i.triggeredAt <= duration("48h")
            : now - i.triggeredAt <= duration("48h")
        )
      )`,
    remediation:
      'Escalate the open SEV1 to restore service; for late resolutions, review the response in the postmortem ' +
      '(staffing, runbooks, escalation).',
  },
  {
    slug: 'major-incidents-acknowledged',
    title: 'SEV1 and SEV2 incidents are acknowledged within 30 minutes',
    description:
      'No SEV1 or SEV2 incident has stayed unacknowledged (status triggered) for more than 30 minutes, showing ' +
      'that on-call responds.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.25' },
      { framework: 'iso27001', requirement: 'A.5.26' },
      { framework: 'soc2', requirement: 'CC7.4' },
      { framework: 'cis_v8', requirement: '17.4' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      incidents.all(i,
        !(i.severity in ["SEV1", "SEV2"]) ||
        i.status != "triggered" ||
        now - i.triggeredAt <= duration("30m")
      )`,
    remediation:
      'Acknowledge the incident and check the on-call schedule and escalation policy so major incidents always ' +
      'reach a responder.',
  },

  // ── Data protection and recovery (facts) ────────────────────────────────────────────────────────
  {
    slug: 'backups-enabled-30-days-retention',
    title: 'Backups are enabled and kept for at least 30 days',
    description:
      'The environment’s owners record that automated backups run (facts.backups.enabled) and are retained for ' +
      'at least 30 days (facts.backups.retentionDays).',
    severity: 'high',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.13' },
      { framework: 'soc2', requirement: 'A1.2' },
      { framework: 'cis_v8', requirement: '11.2' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      has(environment.facts.backups) &&
      has(environment.facts.backups.enabled) &&
      environment.facts.backups.enabled == true &&
      has(environment.facts.backups.retentionDays) &&
      type(environment.facts.backups.retentionDays) == int &&
      environment.facts.backups.retentionDays >= 30`,
    remediation:
      'Enable automated backups of every data store with at least 30 days of retention, then record ' +
      'facts.backups.enabled = true and facts.backups.retentionDays on the environment.',
  },
  {
    slug: 'backup-restore-tested',
    title: 'Restoring from backup was tested in the last 90 days',
    description:
      'The environment records a successful restore test (facts.backups.lastRestoreTestAt, RFC 3339) no more ' +
      'than 90 days old; backups nobody has restored are not known to work.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.13' },
      { framework: 'soc2', requirement: 'A1.3' },
      { framework: 'cis_v8', requirement: '11.5' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      has(environment.facts.backups) &&
      has(environment.facts.backups.lastRestoreTestAt) &&
      type(environment.facts.backups.lastRestoreTestAt) == string &&
      environment.facts.backups.lastRestoreTestAt.matches("${RFC3339}") &&
      now - timestamp(environment.facts.backups.lastRestoreTestAt) <= duration("2160h")`,
    remediation:
      'Restore a recent backup into a scratch environment, verify the data, and record the time in ' +
      'facts.backups.lastRestoreTestAt (e.g. "2026-03-01T10:00:00Z"); repeat quarterly.',
  },
  {
    slug: 'encryption-at-rest',
    title: 'Data is encrypted at rest',
    description:
      'The environment’s owners record that its databases, volumes and object stores are encrypted at rest ' +
      '(facts.encryption.atRest).',
    severity: 'high',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.24' },
      { framework: 'soc2', requirement: 'CC6.1' },
      { framework: 'cis_v8', requirement: '3.11' },
    ],
    subjectType: 'environment',
    scope: PROTECTED,
    mode: 'report',
    expression: cel`
      has(environment.facts.encryption) &&
      has(environment.facts.encryption.atRest) &&
      environment.facts.encryption.atRest == true`,
    remediation:
      'Turn on storage encryption (provider-managed or customer-managed keys) for every data store, then record ' +
      'facts.encryption.atRest = true.',
  },

  // ── Access control ──────────────────────────────────────────────────────────────────────────────
  {
    slug: 'mfa-required-for-admin-access',
    title: 'Administrative access requires MFA',
    description:
      'The environment’s owners record that administrative access to it (cloud console, cluster, databases) ' +
      'requires multi-factor authentication (facts.auth.mfaRequiredForAdmins).',
    severity: 'high',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.5' },
      { framework: 'soc2', requirement: 'CC6.1' },
      { framework: 'cis_v8', requirement: '6.5' },
    ],
    subjectType: 'environment',
    scope: ALL,
    mode: 'report',
    expression: cel`
      has(environment.facts.auth) &&
      has(environment.facts.auth.mfaRequiredForAdmins) &&
      environment.facts.auth.mfaRequiredForAdmins == true`,
    remediation:
      'Enforce MFA in the identity provider for every administrative role of the environment, then record ' +
      'facts.auth.mfaRequiredForAdmins = true.',
  },
  {
    slug: 'access-reviewed-90-days',
    title: 'Access to the environment was reviewed in the last 90 days',
    description:
      'The environment records an access review (facts.access.lastReviewedAt, RFC 3339) no more than 90 days ' +
      'old: who may administer it was checked against who should.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.18' },
      { framework: 'soc2', requirement: 'CC6.2' },
      { framework: 'soc2', requirement: 'CC6.3' },
      { framework: 'cis_v8', requirement: '5.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      has(environment.facts.access) &&
      has(environment.facts.access.lastReviewedAt) &&
      type(environment.facts.access.lastReviewedAt) == string &&
      environment.facts.access.lastReviewedAt.matches("${RFC3339}") &&
      now - timestamp(environment.facts.access.lastReviewedAt) <= duration("2160h")`,
    remediation:
      'Review the accounts and roles with access, remove what is no longer needed, and record the time in ' +
      'facts.access.lastReviewedAt; repeat quarterly.',
  },
  {
    slug: 'admin-api-keys-expire-90-days',
    title: 'Admin API keys expire within 90 days of creation',
    description:
      'Every unrevoked Opsplane API key with the admin role has an expiry at most 90 days after it was created, ' +
      'so a leaked key stops working on its own.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.17' },
      { framework: 'iso27001', requirement: 'A.8.2' },
      { framework: 'soc2', requirement: 'CC6.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      platform.adminKeys.all(k,
        k.expiresAt != null && k.expiresAt - k.createdAt <= duration("2160h")
      )`,
    remediation:
      'Replace non-expiring or long-lived admin keys with keys that expire within 90 days, then revoke the old ' +
      'ones.',
  },
  {
    slug: 'admin-api-keys-not-dormant',
    title: 'Admin API keys are in use',
    description:
      'Every unrevoked admin API key was used in the last 45 days (or created in them); dormant privileged ' +
      'credentials are risk without benefit.',
    severity: 'low',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.18' },
      { framework: 'soc2', requirement: 'CC6.2' },
      { framework: 'cis_v8', requirement: '5.3' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      platform.adminKeys.all(k,
        now - (k.lastUsedAt != null ? k.lastUsedAt : k.createdAt) <= duration("1080h")
      )`,
    remediation:
      'Revoke admin API keys that have not been used for 45 days; issue a new one when it is needed again.',
  },

  // ── Logging and monitoring ──────────────────────────────────────────────────────────────────────
  {
    slug: 'audit-chain-intact',
    title: 'The audit log hash chain is intact',
    description:
      'The append-only audit log verified intact at the start of the scan: no entry was altered, removed or ' +
      'inserted out of order.',
    severity: 'critical',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.15' },
      { framework: 'iso27001', requirement: 'A.5.33' },
      { framework: 'soc2', requirement: 'CC7.2' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: 'platform.auditChainIntact == true',
    remediation:
      'Treat it as a security incident: find the first broken entry with the audit verification API, ' +
      'investigate database access around it, and preserve the evidence.',
  },
  {
    slug: 'monitoring-alerting-enabled',
    title: 'Monitoring alerts reach on-call',
    description:
      'The environment’s owners record that health and security monitoring raises alerts that page a responder ' +
      '(facts.monitoring.alerting).',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.16' },
      { framework: 'soc2', requirement: 'CC7.2' },
      { framework: 'cis_v8', requirement: '13.1' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      has(environment.facts.monitoring) &&
      has(environment.facts.monitoring.alerting) &&
      environment.facts.monitoring.alerting == true`,
    remediation:
      'Route the environment’s monitoring alerts to an on-call rotation (e.g. via an Opsplane alert ' +
      'integration), then record facts.monitoring.alerting = true.',
  },
  {
    slug: 'logs-centralized-90-days',
    title: 'Logs are centralized and kept for at least 90 days',
    description:
      'The environment ships its logs to a central store (facts.logging.centralized) that keeps them for at ' +
      'least 90 days (facts.logging.retentionDays), enough to investigate an incident.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.15' },
      { framework: 'soc2', requirement: 'CC7.2' },
      { framework: 'cis_v8', requirement: '8.9' },
      { framework: 'cis_v8', requirement: '8.10' },
    ],
    subjectType: 'environment',
    scope: PROTECTED,
    mode: 'report',
    expression: cel`
      has(environment.facts.logging) &&
      has(environment.facts.logging.centralized) &&
      environment.facts.logging.centralized == true &&
      has(environment.facts.logging.retentionDays) &&
      type(environment.facts.logging.retentionDays) == int &&
      environment.facts.logging.retentionDays >= 90`,
    remediation:
      'Forward application, audit and infrastructure logs to the central log platform with 90 days of ' +
      'retention or more, then record facts.logging.centralized and facts.logging.retentionDays.',
  },
  {
    slug: 'vulnerability-scanning-enabled',
    title: 'Automated vulnerability scanning is enabled',
    description:
      'The environment’s owners record that its hosts, images or dependencies are scanned for known ' +
      'vulnerabilities automatically (facts.vulnerabilityScanning.enabled).',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'cis_v8', requirement: '7.5' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      has(environment.facts.vulnerabilityScanning) &&
      has(environment.facts.vulnerabilityScanning.enabled) &&
      environment.facts.vulnerabilityScanning.enabled == true`,
    remediation:
      'Schedule automated scans (image registry, host agent, or SBOM upload to Opsplane for every release), then ' +
      'record facts.vulnerabilityScanning.enabled = true.',
  },
  {
    slug: 'production-isolated-from-non-production',
    title: 'Production is separated from non-production',
    description:
      'The environment’s owners record that it runs in its own account or network with its own credentials, ' +
      'apart from development and test (facts.isolation.separatedFromNonProduction).',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.31' },
      { framework: 'cis_v8', requirement: '16.8' },
    ],
    subjectType: 'environment',
    scope: PRODUCTION,
    mode: 'report',
    expression: cel`
      has(environment.facts.isolation) &&
      has(environment.facts.isolation.separatedFromNonProduction) &&
      environment.facts.isolation.separatedFromNonProduction == true`,
    remediation:
      'Move production into a dedicated account, project or network segment with separate credentials, then ' +
      'record facts.isolation.separatedFromNonProduction = true.',
  },

  // ── Services ────────────────────────────────────────────────────────────────────────────────────
  {
    slug: 'service-has-owner-team',
    title: 'High and critical services have an owner team',
    description:
      'The service names a real owning team, not an empty or placeholder value such as "unknown" or "tbd", so ' +
      'its findings and incidents have someone accountable.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.5.9' },
      { framework: 'cis_v8', requirement: '2.1' },
    ],
    subjectType: 'service',
    scope: { criticalities: ['high', 'critical'] },
    mode: 'report',
    expression: cel`
      !(service.ownerTeam.trim().lowerAscii() in
        ["", "unknown", "unassigned", "none", "tbd", "n/a", "-"])`,
    remediation: 'Set the service’s owner team in the catalog to the team that is on call for it.',
  },
  {
    slug: 'critical-service-no-open-critical-findings',
    title: 'Critical services have no open critical findings',
    description:
      'A service of critical criticality has no open or triaged finding of severity critical (other than ' +
      'compliance findings), whatever its SLA says.',
    severity: 'high',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'cis_v8', requirement: '7.7' },
    ],
    subjectType: 'service',
    scope: { criticalities: ['critical'] },
    mode: 'report',
    expression: '!findings.exists(f, f.kind != "compliance" && f.severity == "critical")',
    remediation:
      'Fix the critical findings first (patch, upgrade, reconfigure) or record a documented risk acceptance with ' +
      'an expiry.',
  },
  {
    slug: 'service-no-vulnerabilities-past-sla',
    title: 'Services have no high or critical vulnerability past its SLA',
    description:
      'No open or triaged vulnerability finding of severity high or critical about the service is past its ' +
      'remediation SLA (7 and 30 days by default).',
    severity: 'high',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'cis_v8', requirement: '7.2' },
      { framework: 'cis_v8', requirement: '16.2' },
    ],
    subjectType: 'service',
    scope: ALL,
    mode: 'report',
    expression: cel`
      !findings.exists(f,
        f.kind == "vulnerability" && f.severity in ["critical", "high"] && ${PAST_SLA}
      )`,
    remediation:
      'Release a version with the vulnerable components upgraded and deploy it, or accept the risk with a reason, ' +
      'an approver and an expiry.',
  },
  {
    slug: 'service-findings-triaged-7-days',
    title: 'High and critical findings are triaged within 7 days',
    description:
      'On high and critical services, no finding of severity high or critical stays untriaged (status open) for ' +
      'more than 7 days after it was first seen.',
    severity: 'medium',
    frameworks: [
      { framework: 'iso27001', requirement: 'A.8.8' },
      { framework: 'soc2', requirement: 'CC7.1' },
      { framework: 'cis_v8', requirement: '7.2' },
    ],
    subjectType: 'service',
    scope: { criticalities: ['high', 'critical'] },
    mode: 'report',
    expression: cel`
      findings.all(f,
        f.kind == "compliance" ||
        f.status != "open" ||
        !(f.severity in ["critical", "high"]) ||
        now - f.firstSeenAt <= duration("168h")
      )`,
    remediation:
      'Triage the findings: confirm and plan the fix, or mark them false positive or accepted with a ' +
      'justification.',
  },
]);
