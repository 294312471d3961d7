import { Injectable, OnModuleInit } from '@nestjs/common';
import { Transactions } from '@opsplane/core';
import { DeploymentGate, DeploymentGateContext, DeploymentGates, GateDecision } from './deployment-gate';

/** How many environments a reason names per list before it says "and N more". */
const NAMED_ENVIRONMENTS = 5;

/** What the gate's one query returns. */
export interface PromotionFacts {
  /** Null without a policy. */
  enabled: boolean | null;
  minimumSuccesses: number | null;
  /** Whether the policy names its ranks (`fromRanks`) rather than taking the rank below. */
  hasNamedRanks: boolean;
  /** The ranks that count: the policy's, or the highest rank in use below the target (none at the lowest). */
  ranks: number[];
  succeededInTarget: boolean;
  /** Environments in use (not archived) of those ranks, and how many of them the release succeeded in. */
  total: number;
  successes: number;
  /** A few slugs each, ordered by rank then slug. */
  succeededIn: string[];
  missing: string[];
  /** Ranks the policy names that have no environment in use. */
  emptyRanks: number[];
}

/**
 * Promotion (Octopus lifecycles): an environment accepts a release only after it succeeded
 * elsewhere first. By default, in at least one environment of the highest rank in use (not
 * archived) below the target: ranks may have gaps (0, 10, 20), archiving the only environment of
 * a rank lets releases skip it, and the lowest rank accepts anything. An environment's promotion
 * policy (PromotionPoliciesService) can name the ranks, ask for more than one success, or switch
 * the check off. A release that already succeeded in the target itself always passes: redeploys
 * and rollbacks are not promotions. A success that was later rolled back counts nowhere: the
 * release was found bad there.
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
    const facts = await this.factsFor(release.id, environment.id, environment.rank);
    return decide(release.version, environment, facts);
  }

  /** Everything the decision needs in one round trip: the policy, the candidates, the successes. */
  private async factsFor(releaseId: string, environmentId: string, rank: number): Promise<PromotionFacts> {
    const [facts] = await this.transactions.manager().query<PromotionFacts[]>(
      `WITH policy AS (
         SELECT enabled, from_ranks, minimum_successes
           FROM environment_promotion_policies WHERE environment_id = $2
       ),
       succeeded AS (
         SELECT DISTINCT environment_id FROM deployments
          WHERE release_id = $1 AND status = 'succeeded' AND rolled_back_at IS NULL
       ),
       required AS (
         SELECT COALESCE(
                  (SELECT from_ranks FROM policy),
                  ARRAY(SELECT max(rank) FROM environments WHERE archived_at IS NULL AND rank < $3
                        HAVING max(rank) IS NOT NULL)
                ) AS ranks
       ),
       candidates AS (
         SELECT e.rank, e.slug, e.id IN (SELECT environment_id FROM succeeded) AS succeeded
           FROM environments e, required
          WHERE e.archived_at IS NULL AND e.id <> $2 AND e.rank = ANY (required.ranks)
       )
       SELECT (SELECT enabled FROM policy) AS enabled,
              (SELECT minimum_successes FROM policy) AS "minimumSuccesses",
              COALESCE((SELECT from_ranks IS NOT NULL FROM policy), false) AS "hasNamedRanks",
              (SELECT ranks FROM required) AS ranks,
              EXISTS (SELECT 1 FROM succeeded WHERE environment_id = $2) AS "succeededInTarget",
              (SELECT count(*) FROM candidates)::int AS total,
              (SELECT count(*) FROM candidates WHERE succeeded)::int AS successes,
              ARRAY(SELECT slug FROM candidates WHERE succeeded ORDER BY rank, slug LIMIT ${NAMED_ENVIRONMENTS})
                AS "succeededIn",
              ARRAY(SELECT slug FROM candidates WHERE NOT succeeded ORDER BY rank, slug LIMIT ${NAMED_ENVIRONMENTS})
                AS missing,
              ARRAY(SELECT r FROM unnest((SELECT ranks FROM required)) AS r
                     WHERE r NOT IN (SELECT rank FROM candidates) ORDER BY r) AS "emptyRanks"`,
      [releaseId, environmentId, rank],
    );
    return facts;
  }
}

/** The gate's decision from the facts; pure, so each rule is unit-tested without a database. */
export function decide(
  version: string,
  environment: { slug: string; rank: number },
  facts: PromotionFacts,
): GateDecision {
  const target = `${environment.slug} (rank ${environment.rank})`;
  if (facts.succeededInTarget)
    return {
      passed: true,
      reason: `Release ${version} already succeeded in ${target}; a redeploy or rollback is not a promotion.`,
    };
  if (facts.enabled === false)
    return {
      passed: true,
      reason: `The promotion policy of ${target} is switched off; it accepts any release.`,
    };
  if (facts.ranks.length === 0)
    return { passed: true, reason: `${target} is the first rank in use; nothing to promote from.` };
  // Ranks are checked when the policy is set; the environment's own rank may have moved since.
  const notBelow = facts.hasNamedRanks ? facts.ranks.filter((rank) => rank >= environment.rank) : [];
  if (notBelow.length > 0)
    return {
      passed: false,
      reason:
        `The promotion policy of ${target} names ${rankList(notBelow)}, not below its own rank; ` +
        'nothing can be promoted into it until the policy changes.',
    };
  if (facts.emptyRanks.length > 0)
    return {
      passed: false,
      reason:
        `The promotion policy of ${target} names ${rankList(facts.emptyRanks)}, with no environment in ` +
        'use; nothing can be promoted into it until the policy or the environments change.',
    };

  const minimum = facts.minimumSuccesses ?? 1;
  const ranks = rankList(facts.ranks);
  const succeededIn = names(facts.succeededIn, facts.successes);
  const missing = names(facts.missing, facts.total - facts.successes) || 'none';
  if (facts.successes >= minimum)
    return {
      passed: true,
      reason:
        minimum === 1 && !facts.hasNamedRanks
          ? `Release ${version} succeeded in ${succeededIn} (${ranks}).`
          : `Release ${version} succeeded in ${facts.successes} environment(s) of ${ranks} ` +
            `(${minimum} required): ${succeededIn}.`,
    };
  if (minimum === 1)
    return {
      passed: false,
      reason: `Release ${version} must first succeed in an environment of ${ranks} (${missing}) before it can go to ${target}.`,
    };
  const unreachable =
    facts.total < minimum
      ? ` Only ${facts.total} environment(s) of ${ranks} are in use, so the policy cannot be met until ` +
        'more exist or the policy changes.'
      : '';
  return {
    passed: false,
    reason:
      `Release ${version} cannot go to ${target} yet: succeeded in ${facts.successes} of ${minimum} ` +
      `required environments of ${ranks}${facts.successes > 0 ? `: ${succeededIn}` : ''}; ` +
      `missing: ${missing}.${unreachable}`,
  };
}

/** "rank 10", "ranks 10 and 20", "ranks 0, 10 and 20". */
function rankList(ranks: number[]): string {
  if (ranks.length === 1) return `rank ${ranks[0]}`;
  return `ranks ${ranks.slice(0, -1).join(', ')} and ${ranks[ranks.length - 1]}`;
}

/** The named slugs, with "and N more" when `count` is larger. */
function names(slugs: string[], count: number): string {
  const more = count - slugs.length;
  return slugs.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
