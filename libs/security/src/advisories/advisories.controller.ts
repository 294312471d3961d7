import { Readable } from 'node:stream';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, Operation, Requires } from '@opsplane/core';
import {
  AdvisoryDetailModel,
  AdvisoryImportModel,
  AdvisoryPage,
  AdvisorySourceList,
  ListAdvisoriesArgs,
} from '../dto/advisory.dto';
import { AdvisorySyncService, shownUrl } from './advisory-sync.service';
import { AdvisoriesService } from './advisories.service';

@ApiTags('advisories')
@Controller('v1/advisories')
export class AdvisoriesController {
  constructor(
    private readonly advisories: AdvisoriesService,
    private readonly sync: AdvisorySyncService,
  ) {}

  @Post('import')
  @Requires('administer')
  @Operation({
    operationId: 'importAdvisories',
    summary: 'Import OSV records: one, an array of them, or a zip of an ecosystem export',
    description:
      'Each record is checked against the OSV schema; one that fails is skipped and named in `rejected`, the ' +
      'rest are imported. A record replaces the stored one only if its `modified` is newer; a withdrawn one is ' +
      'removed. Importing the same records again changes nothing. Recorded as `advisories.imported`, and the ' +
      'releases deployed anywhere that the changed records concern are scanned again. A zip ' +
      '(`application/zip`, one JSON file per record, as OSV publishes `<ecosystem>/all.zip`) is streamed to ' +
      'disk and read entry by entry, up to SECURITY_ADVISORY_ZIP_MAX_BYTES; a JSON body is bounded like any other.',
    response: AdvisoryImportModel,
    problems: [413, 415],
    accepts: {
      description: 'An OSV record (https://ossf.github.io/osv-schema/), an array of them, or a zip of them.',
      schema: { oneOf: [{ type: 'object' }, { type: 'array', minItems: 1, items: { type: 'object' } }] },
      document: {
        mediaTypes: ['application/zip'],
        as: 'stream',
        json: 'parsed',
        schema: { type: 'string', format: 'binary' },
      },
    },
  })
  import(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return body instanceof Readable
      ? this.advisories.importZip(actor, body)
      : this.advisories.import(actor, body);
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

  @Get('sources')
  @Requires('read')
  @Operation({
    operationId: 'listAdvisorySources',
    summary: 'The URLs the advisory database is synced from, and what each last sync saw',
    description:
      'SECURITY_ADVISORY_SYNC_URLS, synced on SECURITY_ADVISORY_SYNC_CRON (`security.advisory_sync`; run it now with ' +
      'POST /v1/job-types/security.advisory_sync/run).',
    response: AdvisorySourceList,
  })
  async sources(): Promise<AdvisorySourceList> {
    return { items: (await this.sync.sources()).map((source) => ({ ...source, url: shownUrl(source.url) })) };
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
