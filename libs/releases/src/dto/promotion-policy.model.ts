import { Input, Model, Prop } from '@opsplane/core';
import { MAX_FROM_RANKS, MAX_MINIMUM_SUCCESSES } from '../promotion-policy.entity';

const ENABLED =
  'False switches the promotion check off for this environment: it accepts any release, wherever it ' +
  'has or has not succeeded (a hotfix or sandbox environment). The other gates still apply.';
const FROM_RANKS =
  'The ranks whose environments count, each below the environment’s own rank. Null: the highest rank ' +
  'in use (not archived) below it, so rank gaps and archived ranks are skipped. A named rank without ' +
  'an environment in use refuses every promotion until the policy or the environments change.';
const MINIMUM_SUCCESSES =
  'How many distinct environments (not archived) of those ranks the release must have succeeded in. ' +
  'More than there are refuses every promotion, saying so.';

@Model(
  'PromotionPolicy',
  'Which lower ranks a release must have succeeded in, and in how many of their environments, before ' +
    'the environment accepts it. Without a policy: one success in an environment of the highest rank ' +
    'in use below. A release that already succeeded in the environment itself always passes ' +
    '(redeploys, rollbacks).',
)
export class PromotionPolicyModel {
  @Prop.uuid()
  environmentId: string;

  @Prop.bool({ description: ENABLED })
  enabled: boolean;

  @Prop.int({ isArray: true, nullable: true, min: 0, max: 1000, description: FROM_RANKS })
  fromRanks: number[] | null;

  @Prop.int({ min: 1, max: MAX_MINIMUM_SUCCESSES, description: MINIMUM_SUCCESSES })
  minimumSuccesses: number;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  updatedAt: Date;

  @Prop.string({ description: 'Actor id of whoever set the policy last.' })
  updatedBy: string;
}

@Input('SetPromotionPolicyInput', 'Replaces the whole policy; omitted fields take their defaults.')
export class SetPromotionPolicyInput {
  @Prop.bool({ optional: true, description: `Default true. ${ENABLED}` })
  enabled?: boolean | null;

  @Prop.int({
    isArray: true,
    optional: true,
    min: 0,
    max: 1000,
    maxItems: MAX_FROM_RANKS,
    description: `At most ${MAX_FROM_RANKS}, no repeats. ${FROM_RANKS}`,
    example: [10],
  })
  fromRanks?: number[] | null;

  @Prop.int({
    optional: true,
    min: 1,
    max: MAX_MINIMUM_SUCCESSES,
    description: `Default 1. ${MINIMUM_SUCCESSES}`,
    example: 2,
  })
  minimumSuccesses?: number | null;
}
