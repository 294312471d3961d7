import { Input, Model, PageOf, Prop } from '@opsplane/core';

@Model(
  'DeploymentPin',
  'A service held at one release in one environment: every deployment of another release is refused by the ' +
    '`pin` gate until someone unpins.',
)
export class DeploymentPinModel {
  @Prop.uuid()
  environmentId: string;

  @Prop.uuid()
  serviceId: string;

  @Prop.uuid({
    nullable: true,
    description:
      'The release it is held at; null when nothing had succeeded there yet (holds every release).',
  })
  releaseId: string | null;

  @Prop.string({ nullable: true, maxLength: 128, description: 'The version of `releaseId`.' })
  releaseVersion: string | null;

  @Prop.string({ maxLength: 2000 })
  reason: string;

  @Prop.string({ description: 'Actor id of whoever pinned it.' })
  pinnedBy: string;

  @Prop.date()
  pinnedAt: Date;
}

export const DeploymentPinPage = PageOf(DeploymentPinModel, 'DeploymentPinPage');

@Input('PinServiceInput')
export class PinServiceInput {
  @Prop.string({ maxLength: 2000, example: 'INC-42: 1.5.0 corrupts carts; hold 1.4.2 until fixed' })
  reason: string;

  @Prop.uuid({
    optional: true,
    description:
      'The release to hold it at; by default the release that last succeeded there (what runs now). Must be ' +
      'a release of the service.',
  })
  release?: string | null;
}
