import { Args, Model, Prop } from '@opsplane/core';
import { DeploymentModel } from '@opsplane/releases';

export const MAX_CORRELATION_HOURS = 168;
export const DEFAULT_CORRELATION_HOURS = 24;

export const MATCH_KINDS = ['same_service_and_environment', 'same_environment', 'same_service'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

export const ANCHOR_BASES = ['impact_started', 'detected', 'triggered'] as const;
export type AnchorBasis = (typeof ANCHOR_BASES)[number];

@Args()
export class RelatedDeploymentsArgs {
  @Prop.int({
    optional: true,
    min: 1,
    max: MAX_CORRELATION_HOURS,
    description: `How many hours before impact start to look, default ${DEFAULT_CORRELATION_HOURS}.`,
  })
  hours?: number;
}

@Model('RelatedDeployment', 'A deployment that may have caused the incident, and why it is listed.')
export class RelatedDeploymentModel {
  @Prop.nested(() => DeploymentModel)
  deployment: DeploymentModel;

  @Prop.enum(MATCH_KINDS, 'DeploymentMatchKind', {
    description:
      'same_service_and_environment: one of the incident’s services into one of its environments; ' +
      'same_environment: another service into one of its environments; same_service: one of its services ' +
      'into another environment.',
  })
  matchKind: MatchKind;

  @Prop.date({
    description:
      'The moment compared with the anchor: when it finished, if that was at or before the anchor; otherwise when it started (it was still in progress).',
  })
  referenceAt: Date;

  @Prop.int({ min: 0, description: 'Anchor minus referenceAt, in whole seconds.' })
  secondsBeforeImpact: number;

  @Prop.string({
    maxLength: 500,
    example: 'deployed 14 min before impact to the same service checkout-api in production',
  })
  reason: string;

  @Prop.bool({ description: 'Whether this is the incident’s causedByDeploymentId.' })
  isCause: boolean;
}

@Model(
  'RelatedDeploymentList',
  'Deployments to the incident’s services or environments that started or finished in the hours before ' +
    'the anchor (impact start, else detection, else trigger), newest first, at most 100.',
)
export class RelatedDeploymentListModel {
  @Prop.uuid()
  incidentId: string;

  @Prop.date({ description: 'The moment deployments are compared with.' })
  anchorAt: Date;

  @Prop.enum(ANCHOR_BASES, 'CorrelationAnchorBasis', {
    description: 'impactStartedAt when set, else detectedAt, else triggeredAt.',
  })
  anchorBasis: AnchorBasis;

  @Prop.int({ min: 1, max: MAX_CORRELATION_HOURS })
  hours: number;

  @Prop.date({ description: 'anchorAt minus hours.' })
  windowStartsAt: Date;

  @Prop.nested(() => RelatedDeploymentModel, { isArray: true, maxItems: 100 })
  items: RelatedDeploymentModel[];
}

/** GraphQL `relatedDeployments`: the arguments plus the incident (REST has it in the path). */
@Args()
export class RelatedDeploymentsQueryArgs extends RelatedDeploymentsArgs {
  @Prop.uuid()
  incidentId: string;
}
