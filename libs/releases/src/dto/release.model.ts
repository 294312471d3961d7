import { Input, Model, PageOf, Prop } from '@opsplane/core';
import { valid as validSemver } from 'semver';

/** OCI-style content digest: `<algorithm>:<encoded>`, e.g. `sha256:3b4c…`. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

@Model('ReleaseArtifact', 'Something the release built: an image, a package, a binary.')
export class ReleaseArtifact {
  @Prop.string({ maxLength: 200, example: 'checkout-api image' })
  name: string;

  @Prop.url({ example: 'https://registry.example.com/payments/checkout-api:1.4.0' })
  url: string;

  @Prop.string({ nullable: true, maxLength: 200, example: 'sha256:3b4c5d…' })
  digest: string | null;
}

@Input('ReleaseArtifactInput')
export class ReleaseArtifactInput {
  @Prop.string({ maxLength: 200, example: 'checkout-api image' })
  name: string;

  @Prop.url({ example: 'https://registry.example.com/payments/checkout-api:1.4.0' })
  url: string;

  @Prop.string({
    optional: true,
    maxLength: 200,
    pattern: DIGEST_PATTERN,
    patternHint: 'must be <algorithm>:<encoded>, e.g. sha256:3b4c…',
  })
  digest?: string | null;
}

@Model('ReleaseCommit')
export class ReleaseCommit {
  @Prop.string({ minLength: 7, maxLength: 64, description: 'Lower-case hex.', example: '9fceb02d0ae5' })
  sha: string;

  @Prop.string({ maxLength: 10_000, example: 'Retry card authorisations on 503' })
  message: string;

  @Prop.date({ nullable: true })
  authoredAt: Date | null;

  @Prop.date({ nullable: true })
  mergedAt: Date | null;
}

@Model('Release', 'A version of a service: commits, changelog, artifacts. Immutable once deployed anywhere.')
export class ReleaseModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  serviceId: string;

  @Prop.string({
    maxLength: 128,
    description: 'Semver when it parses, free text otherwise.',
    example: '1.4.0',
  })
  version: string;

  @Prop.bool({ description: 'Whether `version` is a valid semantic version (a leading "v" allowed).' })
  isSemver: boolean;

  @Prop.nested(() => ReleaseCommit, { isArray: true, maxItems: 500, description: 'Newest first.' })
  commits: ReleaseCommit[];

  @Prop.string({ nullable: true, maxLength: 65_536 })
  changelog: string | null;

  @Prop.nested(() => ReleaseArtifact, { isArray: true, maxItems: 100 })
  artifacts: ReleaseArtifact[];

  @Prop.string({ description: 'Actor id of whoever registered it.' })
  createdBy: string;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;

  @Prop.date({
    nullable: true,
    description: 'When a deployment of it was first requested; from then on it cannot change.',
  })
  firstDeployedAt: Date | null;

  @Prop.int({
    min: 1,
    description: 'Increments on every change; send it back as If-Match (`version` is the release version).',
  })
  revision: number;
}

export const ReleasePage = PageOf(ReleaseModel, 'ReleasePage');

/** A release as GraphQL's loaders read it: `Release.commits` loads the commits when a query asks. */
export type ReleaseWithoutCommits = Omit<ReleaseModel, 'commits'> & { commits?: undefined };

/** The columns `toReleaseModel` needs, for reads that skip entity hydration. */
export const RELEASE_COLUMNS = [
  'id',
  'serviceId',
  'version',
  'changelog',
  'artifacts',
  'createdBy',
  'createdAt',
  'updatedAt',
  'firstDeployedAt',
  'revision',
] as const satisfies readonly (keyof ReleaseModel)[];

export type ReleaseRow = Pick<ReleaseModel, (typeof RELEASE_COLUMNS)[number]>;

export function toReleaseModel(row: ReleaseRow, commits: ReleaseCommit[]): ReleaseModel {
  return {
    id: row.id,
    serviceId: row.serviceId,
    version: row.version,
    isSemver: validSemver(row.version) !== null,
    commits,
    changelog: row.changelog,
    artifacts: row.artifacts,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    firstDeployedAt: row.firstDeployedAt,
    revision: row.revision,
  };
}

export function toReleaseCommit(row: ReleaseCommit): ReleaseCommit {
  return { sha: row.sha, message: row.message, authoredAt: row.authoredAt, mergedAt: row.mergedAt };
}

export const MAX_DIFF_RELEASES = 500;
export const MAX_DIFF_COMMITS = 5000;

export const RELEASE_DIFF_DIRECTIONS = ['forward', 'backward', 'same'] as const;
export type ReleaseDiffDirection = (typeof RELEASE_DIFF_DIRECTIONS)[number];

@Model('ReleaseSummary', 'A release without its commits, changelog and artifacts.')
export class ReleaseSummary {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 128, example: '1.4.0' })
  version: string;

  @Prop.bool({ description: 'Whether `version` is a valid semantic version.' })
  isSemver: boolean;

  @Prop.date({ description: 'When it was registered; releases of a service are ordered by it.' })
  createdAt: Date;
}

@Model('ReleaseDiffCommit', 'A commit a diff brings (forward) or takes away (backward).')
export class ReleaseDiffCommit extends ReleaseCommit {
  @Prop.uuid({ description: 'The release it came with: the oldest release of the span that lists it.' })
  releaseId: string;

  @Prop.string({ maxLength: 128, description: 'That release’s version.', example: '1.4.0' })
  version: string;
}

@Model(
  'ReleaseDiff',
  'What changes between two releases of one service, in registration order. Forward (`to` newer): ' +
    'the releases after `from` up to `to`, and the commits they bring. Backward (a rollback, `to` ' +
    'older): the releases rolled back, `from` back to the one after `to`, and the commits that go. ' +
    `At most ${MAX_DIFF_RELEASES} releases (the ones nearest the newer end) and ${MAX_DIFF_COMMITS} ` +
    'commits (the newest); `truncated` says when there were more.',
)
export class ReleaseDiffModel {
  @Prop.uuid()
  serviceId: string;

  @Prop.nested(() => ReleaseSummary)
  from: ReleaseSummary;

  @Prop.nested(() => ReleaseSummary)
  to: ReleaseSummary;

  @Prop.enum(RELEASE_DIFF_DIRECTIONS, 'ReleaseDiffDirection', {
    description:
      'forward: `to` was registered after `from`; backward: before it (a rollback); same: one release.',
  })
  direction: ReleaseDiffDirection;

  @Prop.nested(() => ReleaseSummary, {
    isArray: true,
    maxItems: MAX_DIFF_RELEASES,
    description:
      'In the order the change walks them. Forward: after `from` up to and including `to`, oldest first. ' +
      'Backward: `from` and the others newer than `to`, newest first (`to` itself stays). Same: none.',
  })
  releases: ReleaseSummary[];

  @Prop.nested(() => ReleaseDiffCommit, {
    isArray: true,
    maxItems: MAX_DIFF_COMMITS,
    description:
      'The commits of `releases`, each sha once, without those the older of the two releases already ' +
      'lists (releases often repeat history); newest first: by release, then in the order the release ' +
      'lists them.',
  })
  commits: ReleaseDiffCommit[];

  @Prop.bool({ description: 'Whether releases or commits were left out to stay within the limits.' })
  truncated: boolean;
}

export function toReleaseSummary(row: Pick<ReleaseModel, 'id' | 'version' | 'createdAt'>): ReleaseSummary {
  return {
    id: row.id,
    version: row.version,
    isSemver: validSemver(row.version) !== null,
    createdAt: row.createdAt,
  };
}
