import { Args, Input, JsonObject, PageArgs, PartialOf, Prop } from '@opsplane/core';
import { ENVIRONMENT_TIERS, EnvironmentTier } from './environment.model';

@Input('CreateEnvironmentInput')
export class CreateEnvironmentInput {
  @Prop.slug({ example: 'production' })
  slug: string;

  @Prop.string({ maxLength: 200, example: 'Production (EU)' })
  name: string;

  @Prop.enum(ENVIRONMENT_TIERS, 'EnvironmentTier')
  tier: EnvironmentTier;

  @Prop.int({ min: 0, max: 1000, description: 'Promotion order, 0 first.' })
  rank: number;

  @Prop.bool({ optional: true, description: 'Default: true for the production tier, false otherwise.' })
  isProtected?: boolean;

  @Prop.url({ isArray: true, optional: true, description: 'Endpoints to scan. Default: none.' })
  endpointUrls?: string[];

  @Prop.json({ optional: true, description: 'Configuration facts, at most 64 KiB as JSON. Default: {}.' })
  facts?: JsonObject;
}

@Input('UpdateEnvironmentInput', 'Only the fields sent change; `facts` is replaced as a whole.')
export class UpdateEnvironmentInput extends PartialOf(CreateEnvironmentInput) {}

@Args()
export class ListEnvironmentsArgs extends PageArgs {
  @Prop.enum(ENVIRONMENT_TIERS, 'EnvironmentTier', { optional: true })
  tier?: EnvironmentTier;

  @Prop.bool({ optional: true })
  isProtected?: boolean;

  @Prop.string({ optional: true, maxLength: 100, description: 'Case-insensitive match on slug or name.' })
  q?: string;

  @Prop.bool({ optional: true, description: 'Include archived environments (default false).' })
  includeArchived?: boolean;
}
