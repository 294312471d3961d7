import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor, CurrentActor, EXPECTED_VERSION, PageArgs, Requires } from '@opsplane/core';
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
import { ControlVersionParam } from './control-version.param';
import { ControlsService } from './controls.service';

const CONTROL = { description: 'The control’s id (UUID) or slug.' };

@Resolver(() => ControlModel)
export class ControlsResolver {
  constructor(private readonly controls: ControlsService) {}

  @Query(() => ControlPage, { name: 'controls', description: 'Compliance controls, by slug.' })
  @Requires('read')
  list(@Args() args: ListControlsArgs) {
    return this.controls.list(args);
  }

  @Query(() => ControlModel, { name: 'control' })
  @Requires('read')
  get(@Args('control', CONTROL) control: string) {
    return this.controls.get(control);
  }

  @Query(() => ControlVersionPage, {
    name: 'controlVersions',
    description: 'A control’s versions, newest first.',
  })
  @Requires('read')
  versions(@Args('control', CONTROL) control: string, @Args() args: PageArgs) {
    return this.controls.versions(control, args);
  }

  @Query(() => ControlVersionModel, { name: 'controlVersion' })
  @Requires('read')
  version(
    @Args('control', CONTROL) control: string,
    @Args('version', { type: () => Int }, new ControlVersionParam()) version: number,
  ) {
    return this.controls.version(control, version);
  }

  @Mutation(() => ControlModel, { name: 'createControl', description: CONTROL_LANGUAGE_DOC })
  @Requires('administer')
  create(@CurrentActor() actor: Actor, @Args('input') input: CreateControlInput) {
    return this.controls.create(actor, input);
  }

  @Mutation(() => ControlModel, {
    name: 'updateControl',
    description: 'Changes what was sent, making a new version; expectedVersion takes the current one.',
  })
  @Requires('administer')
  update(
    @CurrentActor() actor: Actor,
    @Args('control', CONTROL) control: string,
    @Args('input') input: UpdateControlInput,
    @Args('expectedVersion', EXPECTED_VERSION) expectedVersion?: number,
  ) {
    return this.controls.update(actor, control, input, expectedVersion ?? undefined);
  }
}
