import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, Requires } from '@opsplane/core';
import { EnvironmentPageArgs } from './dto/deploy-window.inputs';
import { DeploymentPinsService } from './deployment-pins.service';
import { DeploymentPinModel, DeploymentPinPage, PinServiceInput } from './dto/deployment-pin.model';

const ENVIRONMENT = { description: 'The environment id (UUID) or slug.' };
const SERVICE = { description: 'The service id (UUID) or slug.' };

@Resolver(() => DeploymentPinModel)
export class DeploymentPinsResolver {
  constructor(private readonly pins: DeploymentPinsService) {}

  @Query(() => DeploymentPinPage, {
    name: 'deploymentPins',
    description: 'Services pinned in an environment.',
  })
  @Requires('read')
  list(@Args() { environment, ...page }: EnvironmentPageArgs) {
    return this.pins.list(environment, page);
  }

  @Mutation(() => DeploymentPinModel, {
    name: 'pinService',
    description:
      'Holds the service at a release in the environment (by default the one running there): the pin gate ' +
      'refuses deployments of any other release until unpinService.',
  })
  @Requires('operate')
  pin(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('service', SERVICE) service: string,
    @Args('input') input: PinServiceInput,
  ) {
    return this.pins.pin(actor, environment, service, input);
  }

  @Mutation(() => DeploymentPinModel, { name: 'unpinService', description: 'Returns the pin removed.' })
  @Requires('operate')
  unpin(
    @CurrentActor() actor: Actor,
    @Args('environment', ENVIRONMENT) environment: string,
    @Args('service', SERVICE) service: string,
  ) {
    return this.pins.unpin(actor, environment, service);
  }
}
