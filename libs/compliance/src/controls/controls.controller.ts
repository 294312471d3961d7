import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IfMatchVersion,
  Operation,
  PageArgs,
  Requires,
} from '@opsplane/core';
import {
  CONTROL_LANGUAGE_DOC,
  ControlModel,
  ControlPage,
  ControlVersionModel,
  ControlVersionPage,
  CreateControlInput,
  ListControlsArgs,
  UpdateControlInput,
} from '../dto/control.dto';
import { ControlVersionParam, MAX_VERSION } from './control-version.param';
import { ControlsService } from './controls.service';

const CONTROL = { name: 'control', description: 'The control’s id (UUID) or slug.' };

@ApiTags('compliance')
@Controller('v1/compliance/controls')
export class ControlsController {
  constructor(private readonly controls: ControlsService) {}

  @Post()
  @Requires('administer')
  @Idempotent()
  @Operation({
    operationId: 'createControl',
    summary: 'Create a compliance control',
    description: `Version 1 of a new control (\`compliance_control.created\`). ${CONTROL_LANGUAGE_DOC} Unknown framework requirements and scope fields that do not apply to the subject type are 400 \`request.validation_failed\` naming the field; a slug in use is 409 \`control.slug_taken\`.`,
    status: 201,
    response: ControlModel,
    problems: [409, 422],
  })
  create(@CurrentActor() actor: Actor, @Body() input: CreateControlInput) {
    return this.controls.create(actor, input);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'listControls',
    summary: 'List compliance controls, by slug',
    response: ControlPage,
  })
  list(@Query() args: ListControlsArgs) {
    return this.controls.list(args);
  }

  @Get(':control')
  @Requires('read')
  @ApiParam(CONTROL)
  @Operation({
    operationId: 'getControl',
    summary: 'Get a compliance control',
    response: ControlModel,
    problems: [404],
  })
  get(@Param('control') control: string) {
    return this.controls.get(control);
  }

  @Patch(':control')
  @Requires('administer')
  @ApiParam(CONTROL)
  @ApiIfMatch()
  @Operation({
    operationId: 'updateControl',
    summary: 'Edit a compliance control, making a new version',
    description:
      'Only the fields sent change; the whole result is checked again. Makes version + 1 (`compliance_control.updated`); ' +
      'results of earlier scans keep pointing at the version they ran. If-Match takes the current `version`. ' +
      'Controls are never deleted (results refer to them): set `mode` to `disabled`.',
    response: ControlModel,
    problems: [404, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @Param('control') control: string,
    @Body() input: UpdateControlInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.controls.update(actor, control, input, version);
  }

  @Get(':control/versions')
  @Requires('read')
  @ApiParam(CONTROL)
  @Operation({
    operationId: 'listControlVersions',
    summary: 'List a control’s versions, newest first',
    response: ControlVersionPage,
    problems: [404],
  })
  versions(@Param('control') control: string, @Query() args: PageArgs) {
    return this.controls.versions(control, args);
  }

  @Get(':control/versions/:version')
  @Requires('read')
  @ApiParam(CONTROL)
  @ApiParam({
    name: 'version',
    description: 'The version number.',
    schema: { type: 'integer', minimum: 1, maximum: MAX_VERSION },
  })
  @Operation({
    operationId: 'getControlVersion',
    summary: 'Get one version of a control, as it was saved',
    response: ControlVersionModel,
    problems: [404],
  })
  version(@Param('control') control: string, @Param('version', new ControlVersionParam()) version: number) {
    return this.controls.version(control, version);
  }
}
