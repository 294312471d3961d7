import { Injectable, OnModuleInit } from '@nestjs/common';
import { Transactions } from '@opsplane/core';
import { FINDING_SEVERITIES } from '@opsplane/findings';
import {
  DeploymentGate,
  DeploymentGateContext,
  DeploymentGates,
  GateDecision,
  overrideOf,
} from '@opsplane/releases';
import { SecurityConfig } from '../security.config';
import { VULNERABILITY_SOURCE } from './vulnerability-scan.job-types';

export const SECURITY_GATE = 'security';

interface Overdue {
  id: string;
  title: string;
  severity: string;
  slaDueAt: Date;
}

/** Findings named in a refusal; the rest are counted. */
const LISTED = 20;

/**
 * Deployments to a protected environment wait while the release has unresolved (open or
 * triaged) vulnerability findings at SECURITY_GATE_SEVERITY or worse whose SLA has passed at the
 * judged instant; the refusal names them. Accepted risks and false positives do not block: that
 * is what accepting and dismissing are for. An admin may override with a reason (`gateOverrides`
 * naming `security`), which the deployment keeps and the audit log records.
 */
@Injectable()
export class SecurityGate implements DeploymentGate, OnModuleInit {
  readonly name = SECURITY_GATE;
  readonly overridable = true;

  constructor(
    private readonly gates: DeploymentGates,
    private readonly transactions: Transactions,
    private readonly config: SecurityConfig,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  async evaluate(context: DeploymentGateContext): Promise<GateDecision> {
    const { environment, release, now } = context;
    const threshold = this.config.gateSeverity;
    if (threshold === 'off')
      return { passed: true, reason: 'The security gate is off (SECURITY_GATE_SEVERITY).' };
    if (!environment.isProtected)
      return {
        passed: true,
        reason: `${environment.slug} is not protected; the security gate does not apply.`,
      };
    const overdue = await this.overdue(release.id, FINDING_SEVERITIES.indexOf(threshold), now);
    if (overdue.length === 0)
      return {
        passed: true,
        reason: `Release ${release.version} has no unresolved ${threshold}-or-worse vulnerability past its SLA.`,
      };
    const overridden = overrideOf(this.name, context, overdue, (f) => f.slaDueAt, describe);
    if ('decision' in overridden) return overridden.decision;
    const remaining = overridden.remaining;
    return {
      passed: false,
      reason:
        `Release ${release.version} has ${describe(remaining)}, on protected environment ${environment.slug}. ` +
        'Fix and deploy a release without them, triage them (accepted risk, false positive), or an admin may ' +
        'override with gateOverrides [{ gate: "security", reason }].',
    };
  }

  /** The release's blocking findings, worst and most overdue first (at most LISTED + 1, to tell "more"). */
  private overdue(releaseId: string, worstRank: number, now: Date): Promise<Overdue[]> {
    return this.transactions.manager().query(
      `SELECT id, title, severity, sla_due_at AS "slaDueAt" FROM findings
        WHERE subject_type = 'release' AND subject_id = $1 AND source = $2
          AND status IN ('open', 'triaged') AND severity_rank <= $3 AND sla_due_at < $4
        ORDER BY severity_rank, sla_due_at, id LIMIT ${LISTED + 1}`,
      [releaseId, VULNERABILITY_SOURCE, worstRank, now],
    );
  }
}

function describe(overdue: Overdue[]): string {
  const listed = overdue
    .slice(0, LISTED)
    .map((f) => `${f.severity} finding ${f.id} (${f.title}) past its SLA since ${f.slaDueAt.toISOString()}`);
  return `${overdue.length > LISTED ? `more than ${LISTED}` : overdue.length} vulnerabilit${overdue.length === 1 ? 'y' : 'ies'} past SLA: ${listed.join('; ')}${overdue.length > LISTED ? '; …' : ''}`;
}
