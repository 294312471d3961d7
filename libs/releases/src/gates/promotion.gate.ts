import { Injectable, OnModuleInit } from '@nestjs/common';
import { Transactions } from '@opsplane/core';
import { DeploymentGate, DeploymentGateContext, DeploymentGates, GateDecision } from './deployment-gate';

/** How many environments a refusal names before it says "and N more". */
const NAMED_ENVIRONMENTS = 5;

/**
 * Promotion (Octopus lifecycles): an environment of rank N accepts a release only after it
 * succeeded in at least one environment of the highest rank below N among the environments in
 * use (not archived). The lowest rank always accepts. Ranks may have gaps (0, 10, 20) and
 * archiving the only environment of a rank lets releases skip it.
 *
 * Not yet configurable per environment (which ranks count, a minimum number of successes):
 * that comes with the environment promotion settings of the release-management issue.
 */
@Injectable()
export class PromotionGate implements DeploymentGate, OnModuleInit {
  readonly name = 'promotion';

  constructor(
    private readonly gates: DeploymentGates,
    private readonly transactions: Transactions,
  ) {}

  onModuleInit(): void {
    this.gates.register(this);
  }

  async evaluate({ release, environment }: DeploymentGateContext): Promise<GateDecision> {
    const manager = this.transactions.manager();
    // One round trip for the common case: the rank below, and where (if anywhere) the release succeeded in it.
    const [previous] = await manager.query<{ rank: number | null; succeededIn: string | null }[]>(
      `WITH previous AS (
         SELECT max(rank) AS rank FROM environments WHERE archived_at IS NULL AND rank < $2
       )
       SELECT previous.rank,
              (SELECT e.slug
                 FROM deployments d JOIN environments e ON e.id = d.environment_id
                WHERE d.release_id = $1 AND d.status = 'succeeded'
                  AND e.rank = previous.rank AND e.archived_at IS NULL
                LIMIT 1) AS "succeededIn"
         FROM previous`,
      [release.id, environment.rank],
    );
    const target = `${environment.slug} (rank ${environment.rank})`;
    if (previous.rank === null) {
      return { passed: true, reason: `${target} is the first rank in use; nothing to promote from.` };
    }
    if (previous.succeededIn !== null) {
      return {
        passed: true,
        reason: `Release ${release.version} succeeded in ${previous.succeededIn} (rank ${previous.rank}).`,
      };
    }
    const expected = await manager.query<{ slug: string; total: string }[]>(
      `SELECT slug, count(*) OVER () AS total FROM environments
        WHERE archived_at IS NULL AND rank = $1 ORDER BY slug LIMIT ${NAMED_ENVIRONMENTS}`,
      [previous.rank],
    );
    const more = Number(expected[0]?.total ?? 0) - expected.length;
    const names = expected.map((row) => row.slug).join(', ') + (more > 0 ? ` and ${more} more` : '');
    return {
      passed: false,
      reason:
        `Release ${release.version} must first succeed in an environment of rank ${previous.rank} ` +
        `(${names}) before it can go to ${target}.`,
    };
  }
}
