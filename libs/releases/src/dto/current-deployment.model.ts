import { Model, PageOf, Prop } from '@opsplane/core';
import { DeploymentModel } from './deployment.model';
import { DeploymentPinModel } from './deployment-pin.model';

@Model('CurrentDeployment', 'What runs in an environment, per service: its last succeeded deployment.')
export class CurrentDeploymentModel {
  @Prop.uuid()
  serviceId: string;

  @Prop.string({ maxLength: 63, example: 'checkout-api' })
  serviceSlug: string;

  @Prop.uuid()
  releaseId: string;

  @Prop.string({ maxLength: 128, example: '1.4.2' })
  releaseVersion: string;

  @Prop.date({ description: 'When that deployment succeeded.' })
  succeededAt: Date;

  @Prop.nested(() => DeploymentModel)
  deployment: DeploymentModel;

  @Prop.nested(() => DeploymentPinModel, {
    nullable: true,
    description: 'Set while the service is pinned here.',
  })
  pin: DeploymentPinModel | null;
}

export const CurrentDeploymentPage = PageOf(CurrentDeploymentModel, 'CurrentDeploymentPage');
