import { Args, Query, Resolver } from '@nestjs/graphql';
import { Requires } from '@opsplane/core';
import { ExposureArgs, ExposureModel, ExposurePage } from '../dto/exposure.dto';
import { ExposureService } from './exposure.service';

@Resolver(() => ExposureModel)
export class ExposureResolver {
  constructor(private readonly exposure: ExposureService) {}

  @Query(() => ExposurePage, {
    name: 'exposure',
    description: 'Which releases running where contain a package, or are affected by an advisory.',
  })
  @Requires('read')
  list(@Args() args: ExposureArgs) {
    return this.exposure.list(args);
  }
}
