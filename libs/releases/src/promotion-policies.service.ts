import { Injectable } from '@nestjs/common';
import { EnvironmentModel, EnvironmentsService } from '@opsplane/catalog';
import {
  Actor,
  AppError,
  ChangeRecorder,
  Clock,
  FieldError,
  putSetting,
  removeSetting,
  SettingResource,
  Transactions,
} from '@opsplane/core';
import { PromotionPolicyModel, SetPromotionPolicyInput } from './dto/promotion-policy.model';
import { EnvironmentPromotionPolicyEntity } from './promotion-policy.entity';
import { ReleaseErrors } from './release.errors';

/**
 * Promotion policies per environment. The promotion gate reads the table itself, in the query
 * that also counts the successes; this service only keeps the rows. Admin-only writes, each
 * audited, with `version` for If-Match.
 */
@Injectable()
export class PromotionPoliciesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly changes: ChangeRecorder,
    private readonly environments: EnvironmentsService,
    private readonly clock: Clock,
  ) {}

  async get(environmentIdOrSlug: string): Promise<PromotionPolicyModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const policy = await this.transactions
      .manager()
      .findOneBy(EnvironmentPromotionPolicyEntity, { environmentId: environment.id });
    if (!policy) throw noPolicy(environment);
    return toPolicyModel(policy);
  }

  /** The policy of an environment known by id, or null when none is set (the default applies). */
  async policyFor(environmentId: string): Promise<PromotionPolicyModel | null> {
    const policy = await this.transactions
      .manager()
      .findOneBy(EnvironmentPromotionPolicyEntity, { environmentId });
    return policy ? toPolicyModel(policy) : null;
  }

  /**
   * Creates or replaces the policy. Named ranks must be below the environment's rank when set; a
   * later change of ranks does not rewrite policies: the gate refuses, saying so, while one no
   * longer fits.
   */
  async set(
    actor: Actor,
    environmentIdOrSlug: string,
    input: SetPromotionPolicyInput,
    expectedVersion?: number,
  ): Promise<PromotionPolicyModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    const fromRanks = validFromRanks(environment, input.fromRanks ?? null);
    const fields = {
      enabled: input.enabled ?? true,
      fromRanks,
      minimumSuccesses: input.minimumSuccesses ?? 1,
      updatedAt: this.clock.now(),
      updatedBy: actor.id,
    };
    return this.transactions.run((manager) =>
      putSetting(manager, this.changes, actor, PROMOTION_POLICY, environment.id, fields, expectedVersion),
    );
  }

  /** Back to the default (one success in the highest rank in use below); answers with what was removed. */
  async remove(
    actor: Actor,
    environmentIdOrSlug: string,
    expectedVersion?: number,
  ): Promise<PromotionPolicyModel> {
    const environment = await this.environments.get(environmentIdOrSlug);
    return this.transactions.run((manager) =>
      removeSetting(manager, this.changes, actor, PROMOTION_POLICY, environment.id, expectedVersion, () =>
        noPolicy(environment),
      ),
    );
  }
}

/**
 * Sorted, each below the environment's own rank, no repeats, at least one. An empty list would
 * read as "accept anything"; `enabled: false` says that explicitly.
 */
function validFromRanks(environment: EnvironmentModel, ranks: number[] | null): number[] | null {
  if (ranks === null) return null;
  const errors: FieldError[] = [];
  if (ranks.length === 0)
    errors.push({
      path: 'fromRanks',
      message:
        'fromRanks must name at least one rank; omit it for the rank below, or set enabled to false to accept any release',
    });
  ranks.forEach((rank, index) => {
    if (rank >= environment.rank)
      errors.push({
        path: `fromRanks.${index}`,
        message: `fromRanks.${index} must be below the environment's rank ${environment.rank}`,
      });
    else if (ranks.indexOf(rank) !== index)
      errors.push({ path: `fromRanks.${index}`, message: `fromRanks.${index} repeats rank ${rank}` });
  });
  if (errors.length > 0)
    throw new AppError(
      ReleaseErrors.promotionPolicyInvalid,
      `Invalid promotion policy for ${environment.slug} (rank ${environment.rank}): ${errors
        .map((error) => error.message)
        .join('; ')}.`,
      { errors },
    );
  return [...ranks].sort((a, b) => a - b);
}

const PROMOTION_POLICY: SettingResource<EnvironmentPromotionPolicyEntity, PromotionPolicyModel> = {
  entity: EnvironmentPromotionPolicyEntity,
  keyField: 'environmentId',
  primaryKey: 'environment_promotion_policies_pkey',
  action: 'promotion_policy',
  targetType: 'environment',
  toModel: toPolicyModel,
  absent: 'the environment has no promotion policy now',
  concurrent: 'The policy was set concurrently; fetch it and retry.',
};

function noPolicy(environment: EnvironmentModel): AppError {
  return new AppError(
    ReleaseErrors.promotionPolicyNotFound,
    `Environment ${environment.slug} has no promotion policy; it takes releases that succeeded in an environment of the highest rank in use below it.`,
  );
}

function toPolicyModel(policy: EnvironmentPromotionPolicyEntity): PromotionPolicyModel {
  return {
    environmentId: policy.environmentId,
    enabled: policy.enabled,
    fromRanks: policy.fromRanks,
    minimumSuccesses: policy.minimumSuccesses,
    version: policy.version,
    updatedAt: policy.updatedAt,
    updatedBy: policy.updatedBy,
  };
}
