import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';

export const MAX_FROM_RANKS = 20;
export const MAX_MINIMUM_SUCCESSES = 100;

/**
 * How an environment accepts releases from lower ranks (Octopus lifecycles' "minimum environments
 * before promotion"). Without a row the promotion gate keeps its default: one success in an
 * environment of the highest rank in use below. Read when the gate runs, not copied onto
 * deployments: promotion is checked again when a deployment starts, against the policy of then.
 */
@Entity({ name: 'environment_promotion_policies' })
@Check('environment_promotion_policies_minimum_check', 'minimum_successes BETWEEN 1 AND 100')
@Check(
  'environment_promotion_policies_ranks_check',
  'from_ranks IS NULL OR cardinality(from_ranks) BETWEEN 1 AND 20',
)
export class EnvironmentPromotionPolicyEntity {
  @PrimaryColumn('uuid')
  environmentId: string;

  @ManyToOne('EnvironmentEntity')
  @JoinColumn({
    name: 'environment_id',
    foreignKeyConstraintName: 'environment_promotion_policies_environment_id_fkey',
  })
  environment?: object;

  /** False: the environment accepts any release (a hotfix or sandbox environment). */
  @Column('boolean')
  enabled: boolean;

  /** Ranks whose environments count; null = the highest rank in use below the environment's own. */
  @Column('int', { array: true, nullable: true })
  fromRanks: number[] | null;

  /** How many distinct environments of those ranks the release must have succeeded in. */
  @Column('int')
  minimumSuccesses: number;

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  updatedAt: Date;

  /** Actor id of whoever set the policy last. */
  @Column('text')
  updatedBy: string;
}
