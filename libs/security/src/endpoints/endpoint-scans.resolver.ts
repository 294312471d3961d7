import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { EnvironmentsService } from '@opsplane/catalog';
import { Requires } from '@opsplane/core';
import { EndpointScanRequestModel, EndpointScanResultModel } from '../dto/endpoint-scan.dto';
import { toModel } from './endpoint-scans.controller';
import { EndpointScansService } from './endpoint-scans.service';

@Resolver(() => EndpointScanResultModel)
export class EndpointScansResolver {
  constructor(
    private readonly scans: EndpointScansService,
    private readonly environments: EnvironmentsService,
  ) {}

  @Query(() => [EndpointScanResultModel], {
    name: 'endpointScans',
    description: 'The latest scan of each of an environment’s endpointUrls (id or slug).',
  })
  @Requires('read')
  async latest(@Args('environment') environment: string) {
    return (await this.scans.latest(await this.environments.get(environment))).map(toModel);
  }

  @Mutation(() => EndpointScanRequestModel, {
    name: 'scanEndpoints',
    description: 'Scan an environment’s endpointUrls now (a job).',
  })
  @Requires('operate')
  scan(@Args('environment') environment: string) {
    return this.scans.request(environment);
  }
}
