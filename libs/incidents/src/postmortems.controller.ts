import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  Actor,
  ApiIfMatch,
  CurrentActor,
  Idempotent,
  IdParam,
  IfMatchVersion,
  Operation,
  Requires,
} from '@opsplane/core';
import {
  ChangePostmortemStatusInput,
  CreatePostmortemInput,
  PostmortemModel,
  UpdatePostmortemInput,
} from './dto/postmortem.dto';
import { PostmortemsService } from './postmortems.service';

export const POSTMORTEM_RULES =
  'draft → in_review → published; in_review → draft. Review and publication need summary, rootCause and ' +
  'impact (409 `postmortem.incomplete`); other moves are 409 `postmortem.illegal_transition`. Once published ' +
  'only actionItems change (409 `postmortem.published`).';

@ApiTags('postmortems')
@Controller('v1/incidents/:id/postmortem')
export class PostmortemsController {
  constructor(private readonly postmortems: PostmortemsService) {}

  @Post()
  @Requires('operate')
  @Idempotent()
  @Operation({
    operationId: 'createPostmortem',
    summary: 'Start the incident’s postmortem (a draft)',
    description: 'One per incident: 409 `postmortem.exists` when it has one.',
    status: 201,
    response: PostmortemModel,
    problems: [404, 409, 422],
  })
  create(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() input: CreatePostmortemInput) {
    return this.postmortems.create(actor, id, input);
  }

  @Get()
  @Requires('read')
  @Operation({
    operationId: 'getPostmortem',
    summary: 'The incident’s postmortem (404 `postmortem.not_found` when none)',
    response: PostmortemModel,
    problems: [404],
  })
  get(@IdParam() id: string) {
    return this.postmortems.get(id);
  }

  @Patch()
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'updatePostmortem',
    summary: 'Change the postmortem',
    description: POSTMORTEM_RULES,
    response: PostmortemModel,
    problems: [404, 409, 412],
  })
  update(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: UpdatePostmortemInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.postmortems.update(actor, id, input, version);
  }

  @Post('status')
  @Requires('operate')
  @ApiIfMatch()
  @Operation({
    operationId: 'changePostmortemStatus',
    summary: 'Submit the postmortem for review, publish it, or send it back to draft',
    description: POSTMORTEM_RULES,
    response: PostmortemModel,
    problems: [404, 409, 412],
  })
  changeStatus(
    @CurrentActor() actor: Actor,
    @IdParam() id: string,
    @Body() input: ChangePostmortemStatusInput,
    @IfMatchVersion() version?: number,
  ) {
    return this.postmortems.changeStatus(actor, id, input, version);
  }
}
