import { Args, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { FINDING_SEVERITIES, FINDING_STATUSES, FindingSeverity, FindingStatus } from '@opsplane/findings';

@Model('ExposedEnvironment', 'Where it runs.')
export class ExposedEnvironmentModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 100_000 })
  slug: string;

  @Prop.string({ maxLength: 100_000 })
  name: string;

  @Prop.string({ maxLength: 100_000, description: 'development | testing | staging | production | other' })
  tier: string;

  @Prop.bool()
  isProtected: boolean;
}

@Model('ExposedService', 'Whose release it is.')
export class ExposedServiceModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 100_000 })
  slug: string;

  @Prop.string({ maxLength: 100_000 })
  name: string;
}

@Model('ExposedComponent', 'A component of the release that is the package asked about.')
export class ExposedComponentModel {
  @Prop.uuid()
  id: string;

  @Prop.string({ maxLength: 100_000 })
  name: string;

  @Prop.string({ maxLength: 100_000, nullable: true })
  group: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true })
  version: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true })
  purl: string | null;

  @Prop.string({ maxLength: 100_000, nullable: true })
  dependency: string | null;
}

@Model('ExposedFinding', 'A vulnerability finding of the release for the advisory asked about.')
export class ExposedFindingModel {
  @Prop.uuid()
  id: string;

  @Prop.string({
    maxLength: 100_000,
    description: 'The vulnerability’s primary id (its CVE when it has one).',
  })
  vulnerabilityId: string;

  @Prop.string({ maxLength: 100_000 })
  title: string;

  @Prop.enum(FINDING_SEVERITIES, 'FindingSeverity')
  severity: FindingSeverity;

  @Prop.enum(FINDING_STATUSES, 'FindingStatus')
  status: FindingStatus;

  @Prop.string({ maxLength: 100_000, nullable: true, description: 'The affected component’s purl.' })
  purl: string | null;
}

@Model(
  'Exposure',
  'A release running in an environment now that contains the package or is affected by the advisory.',
)
export class ExposureModel {
  @Prop.nested(() => ExposedEnvironmentModel)
  environment: ExposedEnvironmentModel;

  @Prop.nested(() => ExposedServiceModel)
  service: ExposedServiceModel;

  @Prop.uuid()
  releaseId: string;

  @Prop.string({ maxLength: 100_000 })
  releaseVersion: string;

  @Prop.uuid({ description: 'The deployment that put it there.' })
  deploymentId: string;

  @Prop.date()
  deployedAt: Date;

  @Prop.nested(() => ExposedComponentModel, {
    isArray: true,
    description: 'With `package` or `purl`: the release’s components that are it.',
  })
  components: ExposedComponentModel[];

  @Prop.nested(() => ExposedFindingModel, {
    isArray: true,
    description: 'With `advisory`: the release’s unresolved findings of it (open, triaged or accepted).',
  })
  findings: ExposedFindingModel[];
}

export const ExposurePage = PageOf(ExposureModel, 'ExposurePage');

@Args()
export class ExposureArgs extends PageArgs {
  @Prop.string({
    optional: true,
    maxLength: 300,
    description:
      'Releases containing this package, as OSV names it (`lodash`, `@babel/core`, `org.yaml:snakeyaml`).',
  })
  package?: string;

  @Prop.string({ optional: true, maxLength: 100, description: 'With `package`: in this OSV ecosystem.' })
  ecosystem?: string;

  @Prop.string({ optional: true, maxLength: 200, description: 'With `package`: at this version.' })
  version?: string;

  @Prop.string({
    optional: true,
    maxLength: 1000,
    description:
      'Releases containing the component of this purl (with a version: that version; without: any).',
  })
  purl?: string;

  @Prop.string({
    optional: true,
    maxLength: 200,
    description:
      'Releases affected by this advisory: an OSV id or an alias (`CVE-2021-23337`, `GHSA-35jh-r3h4-6jhm`), by their ' +
      'unresolved vulnerability findings.',
  })
  advisory?: string;

  @Prop.uuid({ optional: true, description: 'Only in this environment.' })
  environmentId?: string;
}
