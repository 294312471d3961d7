import { Args, Input, PageArgs, Prop } from '@opsplane/core';
import { ReleaseArtifactInput } from './release.model';

export const MAX_COMMITS = 500;
export const MAX_ARTIFACTS = 100;
const MAX_CHANGELOG = 65_536;

@Input('ReleaseCommitInput')
export class ReleaseCommitInput {
  @Prop.string({
    minLength: 7,
    maxLength: 64,
    pattern: /^[0-9a-fA-F]+$/,
    patternHint: 'must be a hexadecimal commit id (7–64 characters)',
    example: '9fceb02d0ae5',
  })
  sha: string;

  @Prop.string({ maxLength: 10_000, example: 'Retry card authorisations on 503' })
  message: string;

  @Prop.date({ optional: true })
  authoredAt?: Date | null;

  @Prop.date({ optional: true })
  mergedAt?: Date | null;
}

@Input('CreateReleaseInput')
export class CreateReleaseInput {
  @Prop.string({ maxLength: 100, description: 'The service id (UUID) or slug.', example: 'checkout-api' })
  service: string;

  @Prop.string({
    maxLength: 128,
    pattern: /^[0-9A-Za-z][0-9A-Za-z._+~-]*$/,
    patternHint: 'must start with a letter or digit and contain only letters, digits and . _ + ~ -',
    description:
      'Unique per service. Semver when it parses (e.g. 1.4.0), free text otherwise (e.g. 2026.01.31-3).',
    example: '1.4.0',
  })
  version: string;

  @Prop.nested(() => ReleaseCommitInput, {
    isArray: true,
    optional: true,
    maxItems: MAX_COMMITS,
    description: `At most ${MAX_COMMITS}, newest first.`,
  })
  commits?: ReleaseCommitInput[];

  @Prop.string({ optional: true, maxLength: MAX_CHANGELOG })
  changelog?: string | null;

  @Prop.nested(() => ReleaseArtifactInput, { isArray: true, optional: true, maxItems: MAX_ARTIFACTS })
  artifacts?: ReleaseArtifactInput[];
}

@Input('UpdateReleaseInput', 'Only the fields sent change; refused once the release has been deployed.')
export class UpdateReleaseInput {
  @Prop.string({ optional: true, nullable: true, maxLength: MAX_CHANGELOG, description: 'null clears it.' })
  changelog?: string | null;

  @Prop.nested(() => ReleaseArtifactInput, {
    isArray: true,
    optional: true,
    nullable: false,
    maxItems: MAX_ARTIFACTS,
    description: 'Replaced as a whole.',
  })
  artifacts?: ReleaseArtifactInput[];
}

@Args()
export class ListReleasesArgs extends PageArgs {
  @Prop.uuid({ optional: true })
  serviceId?: string;
}

@Args()
export class ReleaseDiffArgs {
  @Prop.uuid({ description: 'The release deployed now (or the one to compare from).' })
  from: string;

  @Prop.uuid({ description: 'The release to go to; older than `from` for a rollback.' })
  to: string;
}
