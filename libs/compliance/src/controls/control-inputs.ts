/**
 * The inputs a check is evaluated over, as the scan assembles them for one subject (see
 * control-language.ts for their CEL types). Evidence stores exactly these, as JSON: instants as
 * ISO-8601 strings there, as CEL timestamps in the evaluation; integers as JSON numbers there,
 * CEL ints in the evaluation.
 */
export interface EnvironmentSubject {
  id: string;
  slug: string;
  name: string;
  /** development | testing | staging | production | other */
  tier: string;
  rank: number;
  protected: boolean;
  endpointUrls: string[];
  /** The environment's facts as its owners record them (free-form JSON). */
  facts: Record<string, unknown>;
}

export interface ServiceSubject {
  id: string;
  slug: string;
  name: string;
  ownerTeam: string;
  /** low | medium | high | critical */
  criticality: string;
}

/** The latest endpoint scan of one URL (written by the security scans). */
export interface EndpointInput {
  url: string;
  scannedAt: string;
  /** false when the endpoint could not be reached; the rest is then null. */
  reachable: boolean;
  tls: {
    /** Offered protocol versions, e.g. ["TLSv1.2", "TLSv1.3"]. */
    protocols: string[];
    certificate: {
      validFrom: string;
      validTo: string;
      daysToExpiry: number;
      hostnameMatches: boolean;
      issuer: string;
    } | null;
  } | null;
  /** Response headers of GET /, names lower-case. */
  headers: Record<string, string> | null;
}

export interface FindingInput {
  kind: string;
  severity: string;
  /** open | triaged */
  status: string;
  overdue: boolean;
  source: string;
  dedupKey: string;
  title: string;
  slaDueAt: string | null;
  firstSeenAt: string;
}

export interface DeploymentInput {
  id: string;
  /** pending_approval | scheduled | queued | running | succeeded | failed | canceled | rejected | expired … */
  status: string;
  releaseId: string;
  serviceId: string;
  approvalsRequired: number | null;
  approvalsReceived: number;
  isApproved: boolean;
  requestedBy: string;
  requestedAt: string;
  finishedAt: string | null;
  /** A gate (a freeze, a deploy window) was overridden, with a reason. */
  overridden: boolean;
}

export interface IncidentInput {
  id: string;
  /** SEV1 … SEV5 */
  severity: string;
  /** triggered | acknowledged | mitigated | resolved | closed */
  status: string;
  triggeredAt: string;
  /** The first acknowledgement. */
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** null: none written yet. status: draft | in_review | published */
  postmortem: { status: string; publishedAt: string | null } | null;
}

export interface PoliciesInput {
  /** null: deployments need no approval. */
  approvalRule: { requiredApprovals: number; approverRole: string } | null;
  /** Freeze periods not yet over: one-off (startsAt, endsAt) or recurring (schedule, a cron). */
  freezePeriods: {
    startsAt: string | null;
    endsAt: string | null;
    schedule: string | null;
    reason: string;
  }[];
  deployWindows: { kind: 'allow' | 'deny'; schedule: string; durationMinutes: number; timeZone: string }[];
  /** null: the default policy (one success at the highest rank below). fromRanks null: the highest rank below. */
  promotionPolicy: { enabled: boolean; fromRanks: number[] | null; minimumSuccesses: number } | null;
}

export interface PlatformInput {
  /** The audit hash chain verified intact at the start of the scan. */
  auditChainIntact: boolean;
  /** API keys of role admin, not revoked. */
  adminKeys: { name: string; createdAt: string; expiresAt: string | null; lastUsedAt: string | null }[];
}

export interface EnvironmentInputs {
  environment: EnvironmentSubject;
  endpoints: EndpointInput[];
  findings: FindingInput[];
  deployments: DeploymentInput[];
  incidents: IncidentInput[];
  policies: PoliciesInput;
  platform: PlatformInput;
  now: string;
}

export interface ServiceInputs {
  service: ServiceSubject;
  findings: FindingInput[];
  incidents: IncidentInput[];
  platform: PlatformInput;
  now: string;
}

export type ControlInputs = EnvironmentInputs | ServiceInputs;
