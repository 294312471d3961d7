import { AnchorBasis, MatchKind } from './dto/related-deployment.model';

/** The moment deployments are compared with: impact start when known, else detection, else trigger. */
export function anchorOf(incident: {
  impactStartedAt: Date | null;
  detectedAt: Date | null;
  triggeredAt: Date;
}): { at: Date; basis: AnchorBasis } {
  if (incident.impactStartedAt) return { at: incident.impactStartedAt, basis: 'impact_started' };
  if (incident.detectedAt) return { at: incident.detectedAt, basis: 'detected' };
  return { at: incident.triggeredAt, basis: 'triggered' };
}

export interface CorrelatedDeployment {
  serviceId: string;
  environmentId: string;
  status: string;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * How a deployment relates to the incident, or null when it touches none of its services and
 * environments. An incident that names no services relates by environment alone, and vice versa.
 */
export function matchKindOf(
  deployment: Pick<CorrelatedDeployment, 'serviceId' | 'environmentId'>,
  incident: { serviceIds: readonly string[]; environmentIds: readonly string[] },
): MatchKind | null {
  const sameService = incident.serviceIds.includes(deployment.serviceId);
  const sameEnvironment = incident.environmentIds.includes(deployment.environmentId);
  if (sameService && sameEnvironment) return 'same_service_and_environment';
  if (sameEnvironment) return 'same_environment';
  if (sameService) return 'same_service';
  return null;
}

/**
 * The moment that counts: when the deployment finished, if it had finished by the anchor (its
 * change was in place); otherwise when it started (it was still rolling out). Null when neither
 * lies at or before the anchor.
 */
export function referenceOf(
  deployment: Pick<CorrelatedDeployment, 'startedAt' | 'finishedAt'>,
  anchor: Date,
): { at: Date; basis: 'finished' | 'started' } | null {
  if (deployment.finishedAt && deployment.finishedAt.getTime() <= anchor.getTime())
    return { at: deployment.finishedAt, basis: 'finished' };
  if (deployment.startedAt && deployment.startedAt.getTime() <= anchor.getTime())
    return { at: deployment.startedAt, basis: 'started' };
  return null;
}

/** "14 min", "2 h 5 min", "3 h", "under a minute". */
export function humanDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/**
 * The sentence a responder reads, e.g. "deployed 14 min before impact to the same service
 * checkout-api in production". "before impact" becomes "before detection" or "before the
 * incident was declared" when that is what the anchor is; a note says when the deployment failed,
 * was canceled part-way or was still in progress.
 */
export function reasonFor(options: {
  status: string;
  referenceBasis: 'finished' | 'started';
  secondsBefore: number;
  anchorBasis: AnchorBasis;
  matchKind: MatchKind;
  serviceSlug: string;
  environmentSlug: string;
}): string {
  const { serviceSlug: service, environmentSlug: environment } = options;
  const subject = options.matchKind === 'same_environment' ? `${service} ` : '';
  const verb = options.referenceBasis === 'started' ? 'started deploying' : 'deployed';
  const anchor = {
    impact_started: 'impact',
    detected: 'detection',
    triggered: 'the incident was declared',
  }[options.anchorBasis];
  const where = {
    same_service_and_environment: `to the same service ${service} in ${environment}`,
    same_environment: `to the same environment ${environment}`,
    same_service: `to the same service ${service} in another environment, ${environment}`,
  }[options.matchKind];
  const note =
    options.referenceBasis === 'started'
      ? ' (still in progress then)'
      : options.status === 'failed'
        ? ' (the deployment failed)'
        : options.status === 'canceled'
          ? ' (canceled part-way)'
          : '';
  return `${subject}${verb} ${humanDuration(options.secondsBefore)} before ${anchor} ${where}${note}`;
}
