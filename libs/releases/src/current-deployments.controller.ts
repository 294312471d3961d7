import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Operation, PageArgs, Requires } from '@opsplane/core';
import { CurrentDeploymentsService } from './current-deployments.service';
import { CurrentDeploymentPage } from './dto/current-deployment.model';

@ApiTags('deployments')
@Controller('v1/environments/:idOrSlug/current')
export class CurrentDeploymentsController {
  constructor(private readonly current: CurrentDeploymentsService) {}

  @Get()
  @Requires('read')
  @ApiParam({ name: 'idOrSlug', description: 'The environment id (UUID) or slug.' })
  @Operation({
    operationId: 'listCurrentDeployments',
    summary: 'What runs in an environment: per service, the last succeeded deployment and its release',
    description:
      'Alphabetical by service slug; services never deployed successfully here are absent. A rollback that ' +
      'succeeded is what runs. `pin` is set while the service is pinned here.',
    response: CurrentDeploymentPage,
    problems: [404],
  })
  list(@Param('idOrSlug') idOrSlug: string, @Query() args: PageArgs) {
    return this.current.list(idOrSlug, args);
  }
}
