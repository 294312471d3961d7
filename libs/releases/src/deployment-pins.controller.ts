import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Operation, PageArgs, Requires } from '@opsplane/core';
import { DeploymentPinsService } from './deployment-pins.service';
import { DeploymentPinModel, DeploymentPinPage, PinServiceInput } from './dto/deployment-pin.model';

const ENVIRONMENT = { name: 'idOrSlug', description: 'The environment id (UUID) or slug.' };
const SERVICE = { name: 'service', description: 'The service id (UUID) or slug.' };

@ApiTags('deployments')
@Controller('v1/environments/:idOrSlug/pins')
export class DeploymentPinsController {
  constructor(private readonly pins: DeploymentPinsService) {}

  @Get()
  @Requires('read')
  @ApiParam(ENVIRONMENT)
  @Operation({
    operationId: 'listDeploymentPins',
    summary: 'List the services pinned in an environment',
    response: DeploymentPinPage,
    problems: [404],
  })
  list(@Param('idOrSlug') idOrSlug: string, @Query() args: PageArgs) {
    return this.pins.list(idOrSlug, args);
  }

  @Put(':service')
  @Requires('operate')
  @ApiParam(ENVIRONMENT)
  @ApiParam(SERVICE)
  @Operation({
    operationId: 'pinService',
    summary: 'Pin a service in an environment to a release (by default the one running there)',
    description:
      'While pinned, the `pin` gate refuses every deployment of another release of the service into the ' +
      'environment, at request and at start, until `DELETE` unpins it. Pinning again replaces reason and release.',
    response: DeploymentPinModel,
    problems: [404, 409],
  })
  pin(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Param('service') service: string,
    @Body() input: PinServiceInput,
  ) {
    return this.pins.pin(actor, idOrSlug, service, input);
  }

  @Delete(':service')
  @Requires('operate')
  @ApiParam(ENVIRONMENT)
  @ApiParam(SERVICE)
  @Operation({
    operationId: 'unpinService',
    summary: 'Unpin a service in an environment; answers with the pin removed',
    response: DeploymentPinModel,
    problems: [404],
  })
  unpin(
    @CurrentActor() actor: Actor,
    @Param('idOrSlug') idOrSlug: string,
    @Param('service') service: string,
  ) {
    return this.pins.unpin(actor, idOrSlug, service);
  }
}
