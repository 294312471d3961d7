import { JsonObject, Model, PageOf, Prop } from '@opsplane/core';

export const ENVIRONMENT_TIERS = ['development', 'testing', 'staging', 'production', 'other'] as const;
export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

@Model('Environment', 'Where services run. Ordered by rank for promotion; facts feed compliance checks.')
export class EnvironmentModel {
  @Prop.uuid()
  id: string;

  @Prop.slug({ description: 'Unique, URL-safe; usable in place of the id.', example: 'production' })
  slug: string;

  @Prop.string({ example: 'Production (EU)' })
  name: string;

  @Prop.enum(ENVIRONMENT_TIERS, 'EnvironmentTier')
  tier: EnvironmentTier;

  @Prop.int({ min: 0, max: 1000, description: 'Promotion order: releases reach rank N after rank N-1.' })
  rank: number;

  @Prop.bool({ description: 'Protected environments get the strictest gates (approvals, security).' })
  isProtected: boolean;

  @Prop.url({ isArray: true, description: 'Endpoints the security scans probe.' })
  endpointUrls: string[];

  @Prop.json({
    description: 'Configuration facts (TLS policy, backups, encryption, …) for compliance controls.',
  })
  facts: JsonObject;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;

  @Prop.date({
    nullable: true,
    description: 'Set when archived; archived environments are hidden from lists by default.',
  })
  archivedAt: Date | null;
}

export const EnvironmentPage = PageOf(EnvironmentModel, 'EnvironmentPage');

/** The columns `toEnvironmentModel` needs, for reads that skip entity hydration. */
export const ENVIRONMENT_COLUMNS = [
  'id',
  'slug',
  'name',
  'tier',
  'rank',
  'isProtected',
  'endpointUrls',
  'facts',
  'version',
  'createdAt',
  'updatedAt',
  'archivedAt',
] as const satisfies readonly (keyof EnvironmentModel)[];

export function toEnvironmentModel(
  row: Pick<EnvironmentModel, (typeof ENVIRONMENT_COLUMNS)[number]>,
): EnvironmentModel {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    tier: row.tier,
    rank: row.rank,
    isProtected: row.isProtected,
    endpointUrls: row.endpointUrls,
    facts: row.facts,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    archivedAt: row.archivedAt,
  };
}
