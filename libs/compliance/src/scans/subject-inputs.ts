import { Injectable } from '@nestjs/common';
import { EnvironmentModel, ServiceModel } from '@opsplane/catalog';
import { ApiKeysService, AuditLogService, toJson } from '@opsplane/core';
import { FindingModel, FindingsService } from '@opsplane/findings';
import { IncidentsService, PostmortemsService } from '@opsplane/incidents';
import {
  ApprovalsService,
  DeploymentsService,
  DeployWindowsService,
  FreezePeriodsService,
  PromotionPoliciesService,
} from '@opsplane/releases';
import { EndpointScansService } from '@opsplane/security';
import {
  DeploymentInput,
  EndpointInput,
  EnvironmentInputs,
  FindingInput,
  IncidentInput,
  PlatformInput,
  PoliciesInput,
  ServiceInputs,
} from '../controls/control-inputs';
import { INPUT_LIMITS } from '../controls/control-language';

const DAY_MS = 86_400_000;
/** How far back deployments and incidents are read. */
const DEPLOYMENTS_DAYS = 30;
const INCIDENTS_DAYS = 90;

/**
 * Assembles what a check sees of one subject, as JSON (the evidence stores exactly this), through
 * the other libs' own services: catalog, findings, releases, incidents. Lists are newest first and
 * capped by INPUT_LIMITS. `endpoints` are the latest endpoint scans of the environment's URLs
 * (security's), one per URL scanned so far.
 */
@Injectable()
export class SubjectInputs {
  constructor(
    private readonly findings: FindingsService,
    private readonly deployments: DeploymentsService,
    private readonly approvals: ApprovalsService,
    private readonly freezes: FreezePeriodsService,
    private readonly windows: DeployWindowsService,
    private readonly promotion: PromotionPoliciesService,
    private readonly incidents: IncidentsService,
    private readonly postmortems: PostmortemsService,
    private readonly apiKeys: ApiKeysService,
    private readonly auditLog: AuditLogService,
    private readonly endpointScans: EndpointScansService,
  ) {}

  /** Install-wide inputs, read once per scan. */
  async platform(): Promise<PlatformInput> {
    const verification = await this.auditLog.verifySinceCheckpoint();
    const adminKeys: PlatformInput['adminKeys'] = [];
    let cursor: string | null = null;
    do {
      const page = await this.apiKeys.list({ limit: 200, cursor: cursor ?? undefined });
      for (const key of page.items)
        if (key.role === 'admin' && adminKeys.length < INPUT_LIMITS.adminKeys)
          adminKeys.push({
            name: key.name,
            createdAt: key.createdAt.toISOString(),
            expiresAt: key.expiresAt?.toISOString() ?? null,
            lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
          });
      cursor = page.nextCursor;
    } while (cursor);
    return { auditChainIntact: verification.isIntact, adminKeys };
  }

  async environment(
    environment: EnvironmentModel,
    platform: PlatformInput,
    now: Date,
  ): Promise<EnvironmentInputs> {
    const [findings, deployments, policies, incidents, endpoints] = await Promise.all([
      this.openFindings('environment', environment.id),
      this.recentDeployments(environment.id, now),
      this.policies(environment.id, now),
      this.recentIncidents({ environmentId: environment.id }, now),
      this.endpoints(environment),
    ]);
    return json({
      environment: {
        id: environment.id,
        slug: environment.slug,
        name: environment.name,
        tier: environment.tier,
        rank: environment.rank,
        protected: environment.isProtected,
        endpointUrls: environment.endpointUrls,
        facts: environment.facts,
      },
      endpoints,
      findings,
      deployments,
      incidents,
      policies,
      platform,
      now: now.toISOString(),
    });
  }

  /** What a check sees of each endpoint scan: the facts, not the scan's own verdicts. */
  private async endpoints(environment: EnvironmentModel): Promise<EndpointInput[]> {
    const results = await this.endpointScans.latest(environment);
    return results.slice(0, INPUT_LIMITS.endpoints).map((result) => ({
      url: result.url,
      scannedAt: result.scannedAt,
      reachable: result.reachable,
      tls: result.tls && {
        protocols: result.tls.protocols,
        certificate: result.tls.certificate && {
          validFrom: result.tls.certificate.validFrom,
          validTo: result.tls.certificate.validTo,
          daysToExpiry: result.tls.certificate.daysToExpiry,
          hostnameMatches: result.tls.certificate.hostnameMatches,
          issuer: result.tls.certificate.issuer,
        },
      },
      headers: result.headers,
    }));
  }

  async service(service: ServiceModel, platform: PlatformInput, now: Date): Promise<ServiceInputs> {
    const [findings, incidents] = await Promise.all([
      this.openFindings('service', service.id),
      this.recentIncidents({ serviceId: service.id }, now),
    ]);
    return json({
      service: {
        id: service.id,
        slug: service.slug,
        name: service.name,
        ownerTeam: service.ownerTeam,
        criticality: service.criticality,
      },
      findings,
      incidents,
      platform,
      now: now.toISOString(),
    });
  }

  private async openFindings(
    subjectType: 'environment' | 'service',
    subjectId: string,
  ): Promise<FindingInput[]> {
    const page = await this.findings.list({
      subjectType,
      subjectId,
      unresolved: true,
      limit: INPUT_LIMITS.findings,
    });
    return page.items.map((finding: FindingModel) => ({
      kind: finding.kind,
      severity: finding.severity,
      status: finding.status,
      overdue: finding.overdue,
      source: finding.source,
      dedupKey: finding.dedupKey,
      title: finding.title,
      slaDueAt: finding.slaDueAt?.toISOString() ?? null,
      firstSeenAt: finding.firstSeenAt.toISOString(),
    }));
  }

  private async recentDeployments(environmentId: string, now: Date): Promise<DeploymentInput[]> {
    const since = now.getTime() - DEPLOYMENTS_DAYS * DAY_MS;
    const page = await this.deployments.list({ environmentId, limit: INPUT_LIMITS.deployments });
    return page.items
      .filter((deployment) => deployment.requestedAt.getTime() >= since)
      .map((deployment) => ({
        id: deployment.id,
        status: deployment.status,
        releaseId: deployment.releaseId,
        serviceId: deployment.serviceId,
        approvalsRequired: deployment.approvalsRequired,
        approvalsReceived: deployment.approvalsReceived,
        isApproved: deployment.isApproved,
        requestedBy: deployment.requestedBy,
        requestedAt: deployment.requestedAt.toISOString(),
        finishedAt: deployment.finishedAt?.toISOString() ?? null,
        overridden: deployment.freezeOverrideReason !== null,
      }));
  }

  private async policies(environmentId: string, now: Date): Promise<PoliciesInput> {
    const [rule, freezes, windows, promotion] = await Promise.all([
      this.approvals.ruleFor(environmentId),
      this.freezes.inScope(environmentId, null, now),
      this.windows.inScope(environmentId, null),
      this.promotion.policyFor(environmentId),
    ]);
    return {
      approvalRule: rule
        ? { requiredApprovals: rule.requiredApprovals, approverRole: rule.approverRole }
        : null,
      freezePeriods: freezes.map((freeze) => ({
        startsAt: freeze.startsAt?.toISOString() ?? null,
        endsAt: freeze.endsAt?.toISOString() ?? null,
        schedule: freeze.schedule,
        reason: freeze.reason,
      })),
      deployWindows: windows.map((window) => ({
        kind: window.kind,
        schedule: window.schedule,
        durationMinutes: window.durationMinutes,
        timeZone: window.timeZone,
      })),
      promotionPolicy: promotion
        ? {
            enabled: promotion.enabled,
            fromRanks: promotion.fromRanks,
            minimumSuccesses: promotion.minimumSuccesses,
          }
        : null,
    };
  }

  private async recentIncidents(
    scope: { environmentId: string } | { serviceId: string },
    now: Date,
  ): Promise<IncidentInput[]> {
    const page = await this.incidents.list({
      ...scope,
      from: new Date(now.getTime() - INCIDENTS_DAYS * DAY_MS),
      limit: INPUT_LIMITS.incidents,
    });
    const postmortems = await this.postmortems.findMany(page.items.map((incident) => incident.id));
    return page.items.map((incident, index) => {
      const postmortem = postmortems[index];
      return {
        id: incident.id,
        severity: incident.severity,
        status: incident.status,
        triggeredAt: incident.triggeredAt.toISOString(),
        acknowledgedAt: incident.acknowledgedAt?.toISOString() ?? null,
        resolvedAt: incident.resolvedAt?.toISOString() ?? null,
        postmortem: postmortem
          ? { status: postmortem.status, publishedAt: postmortem.publishedAt?.toISOString() ?? null }
          : null,
      };
    });
  }
}

/** Plain JSON (instants as ISO strings), as the evidence keeps it and as it reads back. */
function json<T extends object>(value: T): T {
  return toJson(value) as T;
}
