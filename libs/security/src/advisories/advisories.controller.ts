import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Operation, Requires } from '@opsplane/core';
import {
  AdvisoryDetailModel,
  AdvisoryImportModel,
  AdvisoryPage,
  ListAdvisoriesArgs,
} from '../dto/advisory.dto';
import { AdvisoriesService } from './advisories.service';

@ApiTags('advisories')
@Controller('v1/advisories')
export class AdvisoriesController {
  constructor(private readonly advisories: AdvisoriesService) {}

  @Post('import')
  @Requires('administer')
  @Operation({
    operationId: 'importAdvisories',
    summary: 'Import OSV records: one, or an array of them',
    description:
      'Each record is checked against the OSV schema; one that fails is skipped and named in `rejected`, the ' +
      'rest are imported. A record replaces the stored one only if its `modified` is newer; a withdrawn one is ' +
      'removed. Importing the same records again changes nothing. Recorded as `advisories.imported`.',
    response: AdvisoryImportModel,
    accepts: {
      description: 'An OSV record (https://ossf.github.io/osv-schema/) or an array of them.',
      schema: { oneOf: [{ type: 'object' }, { type: 'array', minItems: 1, items: { type: 'object' } }] },
    },
  })
  import(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.advisories.import(actor, body);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listAdvisories',
    summary: 'List advisories, newest change first',
    description: 'e.g. `ecosystem=npm&package=lodash`, or `id=CVE-2021-23337` (an OSV id or an alias).',
    response: AdvisoryPage,
  })
  list(@Query() args: ListAdvisoriesArgs) {
    return this.advisories.list(args);
  }

  @Get(':idOrAlias')
  @Requires('read')
  @ApiParam({
    name: 'idOrAlias',
    description: 'The OSV id (e.g. `GHSA-c2qf-rxjj-qqgw`) or an alias of it (e.g. `CVE-2022-25883`).',
    // Fastify's maxParamLength (100): a longer path segment is answered 414 before any handler.
    schema: { type: 'string', minLength: 1, maxLength: 100 },
  })
  @Operation({
    operationId: 'getAdvisory',
    summary: 'Get an advisory with its OSV record',
    response: AdvisoryDetailModel,
    problems: [404],
  })
  get(@Param('idOrAlias') idOrAlias: string) {
    return this.advisories.get(idOrAlias);
  }
}
