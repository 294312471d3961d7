import {
  ENVIRONMENT_TIERS,
  EnvironmentTier,
  SERVICE_CRITICALITIES,
  ServiceCriticality,
} from '@opsplane/catalog';
import { Args, Input, Model, PageArgs, PageOf, PartialOf, Prop } from '@opsplane/core';
import { ArrayMaxSize } from 'class-validator';
import { CONTROL_SUBJECT_TYPES, ControlSubjectType } from '../controls/control-language';
import { CONTROL_MODES, CONTROL_SEVERITIES, ControlMode, ControlSeverity } from '../controls/control.entity';
import { FRAMEWORK_IDS, FrameworkId } from '../frameworks/frameworks';

export const CONTROL_LANGUAGE_DOC =
  'The check is a CEL expression (https://cel.dev) that must be a bool, type-checked when saved (400 naming ' +
  'line, column and problem). Environment controls see `environment` { id, slug, name, tier, rank, protected, ' +
  'endpointUrls, facts }, `endpoints` (latest endpoint scan result per URL), `findings` (its open and triaged ' +
  'findings: kind, severity, status, overdue, source, dedupKey, title, slaDueAt), `deployments` (requested in the ' +
  'last 30 days: status, version, serviceId, approvalsRequired, approvalsReceived, isApproved, requestedBy, ' +
  'requestedAt, finishedAt, overridden), `incidents` (triggered in the last 90 days: severity, status, resolvedAt, ' +
  'postmortem { status, publishedAt } or null), `policies` { approvalRule, freezePeriods, deployWindows, ' +
  'promotionPolicy }; service controls see `service` { id, slug, name, ownerTeam, criticality }, `findings` and ' +
  '`incidents`; both see `platform` { auditChainIntact, adminKeys [{ name, createdAt, expiresAt, lastUsedAt }] } ' +
  'and `now`. Lists are newest first and capped; a check whose comprehensions could cost more than the budget ' +
  '(three nested over the lists) is refused. No I/O: a check reads only these inputs.';

const FRAMEWORK_DOC =
  'soc2 (AICPA TSC 2017), iso27001 (ISO/IEC 27001:2022 Annex A), cis_v8 (CIS Controls v8).';
const REQUIREMENT_DOC = 'Its id in the framework: CC6.1, A.8.24, 3.10.';

@Input('FrameworkMappingInput', 'A framework requirement the control serves.')
export class FrameworkMappingInput {
  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { description: FRAMEWORK_DOC })
  framework: FrameworkId;

  @Prop.string({ maxLength: 20, description: REQUIREMENT_DOC, example: 'A.8.24' })
  requirement: string;
}

@Model('FrameworkMapping', 'A framework requirement the control serves.')
export class FrameworkMappingModel {
  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', { description: FRAMEWORK_DOC })
  framework: FrameworkId;

  @Prop.string({ maxLength: 20, description: REQUIREMENT_DOC })
  requirement: string;

  @Prop.string({ description: 'The requirement’s title in the framework.' })
  title: string;
}

@Input(
  'ControlScopeInput',
  'Which subjects the control applies to; every field given must match, none given: every subject of its type.',
)
export class ControlScopeInput {
  @Prop.enum(ENVIRONMENT_TIERS, 'EnvironmentTier', {
    isArray: true,
    optional: true,
    description: 'Environments of these tiers.',
  })
  @ArrayMaxSize(10)
  tiers?: EnvironmentTier[];

  @Prop.slug({
    isArray: true,
    optional: true,
    description: 'Environments or services with these slugs (at most 100).',
  })
  slugs?: string[];

  @Prop.bool({
    optional: true,
    description: 'Environments: only protected ones (true), only unprotected (false); null or omitted: both.',
  })
  protected?: boolean | null;

  @Prop.enum(SERVICE_CRITICALITIES, 'ServiceCriticality', {
    isArray: true,
    optional: true,
    description: 'Services of these criticalities.',
  })
  @ArrayMaxSize(10)
  criticalities?: ServiceCriticality[];
}

@Model(
  'ControlScope',
  'Which subjects the control applies to; empty lists and a null protected match everything.',
)
export class ControlScopeModel {
  @Prop.enum(ENVIRONMENT_TIERS, 'EnvironmentTier', { isArray: true })
  tiers: EnvironmentTier[];

  @Prop.slug({ isArray: true })
  slugs: string[];

  @Prop.bool({ nullable: true })
  protected: boolean | null;

  @Prop.enum(SERVICE_CRITICALITIES, 'ServiceCriticality', { isArray: true })
  criticalities: ServiceCriticality[];
}

@Input('CreateControlInput', CONTROL_LANGUAGE_DOC)
export class CreateControlInput {
  @Prop.slug({
    description: 'Its id, stable across versions: usable in place of the UUID.',
    example: 'tls-minimum-1-2',
  })
  slug: string;

  @Prop.string({ maxLength: 200, example: 'Endpoints accept TLS 1.2 or later only' })
  title: string;

  @Prop.string({ optional: true, nullable: true, maxLength: 10_000 })
  description?: string | null;

  @Prop.enum(CONTROL_SEVERITIES, 'ControlSeverity', {
    description: 'The severity of the finding a failure opens.',
  })
  severity: ControlSeverity;

  @Prop.nested(() => FrameworkMappingInput, { isArray: true, maxItems: 50, optional: true })
  frameworks?: FrameworkMappingInput[];

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType', {
    description: 'What it checks: environments or services.',
  })
  subjectType: ControlSubjectType;

  @Prop.nested(() => ControlScopeInput, { optional: true })
  scope?: ControlScopeInput;

  @Prop.enum(CONTROL_MODES, 'ControlMode', {
    optional: true,
    description:
      'enforce: evaluated, and a failure on a protected environment blocks deployments to it; report: evaluated ' +
      'only; disabled: not evaluated. Default: report.',
  })
  mode?: ControlMode;

  @Prop.string({
    maxLength: 4000,
    description: 'The check in CEL (see the type’s description).',
    example: 'endpoints.all(e, e.tls.protocols.all(p, p in ["TLSv1.2", "TLSv1.3"]))',
  })
  expression: string;

  @Prop.string({ optional: true, nullable: true, maxLength: 10_000, description: 'How to fix a failure.' })
  remediation?: string | null;
}

@Input('UpdateControlInput', `Only the fields sent change, making a new version. ${CONTROL_LANGUAGE_DOC}`)
export class UpdateControlInput extends PartialOf(CreateControlInput) {}

@Model('Control', `A compliance control, as code. ${CONTROL_LANGUAGE_DOC}`)
export class ControlModel {
  @Prop.uuid()
  id: string;

  @Prop.slug()
  slug: string;

  @Prop.string({ maxLength: 200 })
  title: string;

  @Prop.string({ nullable: true, maxLength: 10_000 })
  description: string | null;

  @Prop.enum(CONTROL_SEVERITIES, 'ControlSeverity')
  severity: ControlSeverity;

  @Prop.nested(() => FrameworkMappingModel, { isArray: true })
  frameworks: FrameworkMappingModel[];

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType')
  subjectType: ControlSubjectType;

  @Prop.nested(() => ControlScopeModel)
  scope: ControlScopeModel;

  @Prop.enum(CONTROL_MODES, 'ControlMode')
  mode: ControlMode;

  @Prop.string({ maxLength: 4000 })
  expression: string;

  @Prop.string({ nullable: true, maxLength: 10_000 })
  remediation: string | null;

  @Prop.enum(['starter', 'custom'] as const, 'ControlOrigin', {
    description: 'starter: shipped with Opsplane (and possibly edited since); custom: the install’s own.',
  })
  origin: 'starter' | 'custom';

  @Prop.int({
    min: 1,
    description: 'The current version; each edit makes a new one. Send it back as If-Match.',
  })
  version: number;

  @Prop.string()
  createdBy: string;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

export const ControlPage = PageOf(ControlModel, 'ControlPage');

@Model('ControlVersion', 'One saved version of a control, never changed; results point at it.')
export class ControlVersionModel {
  @Prop.uuid()
  controlId: string;

  @Prop.int({ min: 1 })
  version: number;

  @Prop.string({ maxLength: 200 })
  title: string;

  @Prop.string({ nullable: true, maxLength: 10_000 })
  description: string | null;

  @Prop.enum(CONTROL_SEVERITIES, 'ControlSeverity')
  severity: ControlSeverity;

  @Prop.nested(() => FrameworkMappingModel, { isArray: true })
  frameworks: FrameworkMappingModel[];

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType')
  subjectType: ControlSubjectType;

  @Prop.nested(() => ControlScopeModel)
  scope: ControlScopeModel;

  @Prop.enum(CONTROL_MODES, 'ControlMode')
  mode: ControlMode;

  @Prop.string({ maxLength: 4000 })
  expression: string;

  @Prop.string({ nullable: true, maxLength: 10_000 })
  remediation: string | null;

  @Prop.string({ description: 'Actor id of whoever saved it.' })
  createdBy: string;

  @Prop.date()
  createdAt: Date;
}

export const ControlVersionPage = PageOf(ControlVersionModel, 'ControlVersionPage');

@Args()
export class ListControlsArgs extends PageArgs {
  @Prop.enum(FRAMEWORK_IDS, 'FrameworkId', {
    optional: true,
    description: 'Controls mapped to this framework.',
  })
  framework?: FrameworkId;

  @Prop.string({ optional: true, maxLength: 20, description: 'With framework: mapped to this requirement.' })
  requirement?: string;

  @Prop.enum(CONTROL_MODES, 'ControlMode', { optional: true })
  mode?: ControlMode;

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType', { optional: true })
  subjectType?: ControlSubjectType;
}
