import { Injectable, OnModuleInit } from '@nestjs/common';
import { Transactions } from '@opsplane/core';
import {
  DeploymentGate,
  DeploymentGateContext,
  DeploymentGates,
  GateDecision,
  overrideOf,
} from '@opsplane/releases';

export const COMPLIANCE_GATE = 'compliance';

interface Failing {
  slug: string;
  title: string;
  resultId: string;
  evidenceSha256: string;
  since: Date;
}

/**
 * Deployments to a protected environment wait while an `enforce` control fails there, as its
 * latest result says (a waived failure does not block). The refusal names each control and the
 * result with its evidence. An admin may override with a reason (`gateOverrides` naming
 * `compliance`); an override at the request also covers the start, but only for failures known
 * then: a control that starts failing after the request refuses the start until overridden again.
 */
@Injectable()
export class ComplianceGate implements DeploymentGate, OnModuleInit {
  readonly name = COMPLIANCE_GATE;
  readonly overridable = true;

  constructor(
    private readonly gates: DeploymentGates,
    private readonly transactions: Transactions,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  async evaluate(context: DeploymentGateContext): Promise<GateDecision> {
    const { environment } = context;
    if (!environment.isProtected)
      return { passed: true, reason: `${environment.slug} is not protected; compliance does not gate it.` };
    const failing = await this.failingEnforced(environment.id);
    if (failing.length === 0)
      return { passed: true, reason: `No enforced control fails on ${environment.slug}.` };
    const overridden = overrideOf(this.name, context, failing, (f) => f.since, describe);
    if ('decision' in overridden) return overridden.decision;
    const remaining = overridden.remaining;
    return {
      passed: false,
      reason:
        `${describe(remaining)} on protected environment ${environment.slug}. Fix and rescan ` +
        `(POST /v1/compliance/scans), waive, or an admin may override with gateOverrides [{ gate: "compliance", reason }].`,
    };
  }

  /** The enforced controls whose open interval on the environment is a failure, with its latest result. */
  private failingEnforced(environmentId: string): Promise<Failing[]> {
    return this.transactions.manager().query(
      `SELECT c.slug, c.title, r.id AS "resultId", r.evidence_sha256 AS "evidenceSha256", i.started_at AS since
         FROM compliance_outcome_intervals AS i
         JOIN compliance_controls AS c ON c.id = i.control_id
         JOIN compliance_results AS r ON r.id = i.last_result_id
        WHERE i.subject_id = $1 AND i.ended_at IS NULL AND i.outcome = 'failed' AND c.mode = 'enforce'
        ORDER BY c.slug`,
      [environmentId],
    );
  }
}

function describe(failing: Failing[]): string {
  return failing
    .map(
      (f) =>
        `control ${f.slug} (${f.title}) failing since ${f.since.toISOString()}, ` +
        `result ${f.resultId}, evidence sha256 ${f.evidenceSha256}`,
    )
    .join('; ');
}
