import { Body, Controller, Get, Headers, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor, IdParam, Operation, Requires } from '@opsplane/core';
import { FastifyReply } from 'fastify';
import { ListSbomComponentsArgs, SbomComponentPage, SbomModel } from '../dto/sbom.dto';
import { ACCEPTED_SBOM_FORMATS } from '../sbom';
import { SecurityConfig } from '../security.config';
import { SBOM_MEDIA_TYPES, SbomsService } from './sboms.service';

@ApiTags('sboms')
@Controller('v1/releases/:releaseId/sbom')
export class SbomsController {
  constructor(private readonly sboms: SbomsService) {}

  @Put()
  @Requires('operate')
  @Operation({
    operationId: 'attachSbom',
    summary: 'Attach an SBOM to a release (replacing the one it has)',
    description:
      `${ACCEPTED_SBOM_FORMATS}, told apart by content and checked against that version’s official JSON ` +
      'schema: a document that fails is refused (400 `sbom.invalid`, `errors` naming the failing rules and ' +
      'their paths) and nothing is stored. The same SBOM again (same canonical JSON) changes nothing; another ' +
      'replaces it (`sbom.replaced`). Either way a new SBOM is scanned for vulnerabilities at once (a job: see ' +
      '`lastScan`). Up to SECURITY_SBOM_MAX_BYTES (16 MiB by default), this route’s own body limit.',
    response: SbomModel,
    problems: [404, 413, 415],
    accepts: {
      description: 'A CycloneDX (1.2–1.7) or SPDX 2.3 JSON document.',
      schema: { type: 'object' },
      document: {
        mediaTypes: SBOM_MEDIA_TYPES,
        limitBytes: (get) => get(SecurityConfig).sbomMaxBytes,
      },
    },
  })
  attach(
    @CurrentActor() actor: Actor,
    @IdParam('releaseId') releaseId: string,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
  ) {
    return this.sboms.attach(actor, releaseId, asBytes(body), contentType ?? 'application/json');
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'getSbom',
    summary: 'The SBOM attached to a release: what was read, and what its latest scan found',
    response: SbomModel,
    problems: [404],
  })
  get(@IdParam('releaseId') releaseId: string) {
    return this.sboms.get(releaseId);
  }

  @Get('document')
  @Requires('read')
  @Operation({
    operationId: 'getSbomDocument',
    summary: 'The SBOM document as it was uploaded, with its content type',
    produces: { contentType: ['application/json', ...SBOM_MEDIA_TYPES], schema: { type: 'object' } },
    problems: [404],
  })
  async document(@IdParam('releaseId') releaseId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const { mediaType, document } = await this.sboms.document(releaseId);
    void reply.header('content-type', mediaType);
    return document;
  }

  @Get('components')
  @Requires('read')
  @Operation({
    operationId: 'listSbomComponents',
    summary: 'The components of a release’s SBOM, in document order',
    description:
      'e.g. `package=lodash&ecosystem=npm`, or `matching=no_ecosystem` for what cannot be matched.',
    response: SbomComponentPage,
    problems: [404],
  })
  components(@IdParam('releaseId') releaseId: string, @Query() args: ListSbomComponentsArgs) {
    return this.sboms.components(releaseId, args);
  }
}

/** The body as the document route hands it over: bytes (an empty body arrives as nothing). */
function asBytes(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}
