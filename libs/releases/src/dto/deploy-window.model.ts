import { Model, PageOf, Prop } from '@opsplane/core';
import { MAX_DURATION_MINUTES, WindowKind } from '../schedule';

export const WINDOW_KINDS = ['allow', 'deny'] as const satisfies readonly WindowKind[];

@Model(
  'DeployWindow',
  'When deployments into an environment may (allow) or may not (deny) start. Deny beats allow; once any ' +
    'allow window applies, a deployment starts only inside one.',
)
export class DeployWindowModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  environmentId: string;

  @Prop.uuid({ nullable: true, description: 'The one service it applies to; null for every service.' })
  serviceId: string | null;

  @Prop.enum(WINDOW_KINDS, 'DeployWindowKind')
  kind: WindowKind;

  @Prop.string({
    maxLength: 100,
    description: 'Five cron fields (minute hour day-of-month month day-of-week), read in timeZone.',
    example: '0 9 * * 1-5',
  })
  schedule: string;

  @Prop.int({ min: 1, max: MAX_DURATION_MINUTES, description: 'How long each opening lasts (elapsed time).' })
  durationMinutes: number;

  @Prop.string({ maxLength: 64, description: 'IANA time zone.', example: 'Europe/Berlin' })
  timeZone: string;

  @Prop.string({ nullable: true, maxLength: 500 })
  description: string | null;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

export const DeployWindowPage = PageOf(DeployWindowModel, 'DeployWindowPage');

export const DEPLOY_WINDOW_COLUMNS = [
  'id',
  'environmentId',
  'serviceId',
  'kind',
  'schedule',
  'durationMinutes',
  'timeZone',
  'description',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof DeployWindowModel)[];

export function toDeployWindowModel(
  row: Pick<DeployWindowModel, (typeof DEPLOY_WINDOW_COLUMNS)[number]>,
): DeployWindowModel {
  return {
    id: row.id,
    environmentId: row.environmentId,
    serviceId: row.serviceId,
    kind: row.kind,
    schedule: row.schedule,
    durationMinutes: row.durationMinutes,
    timeZone: row.timeZone,
    description: row.description,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

@Model('NextAllowedStart', 'When a deployment may next start, by the deploy windows and freezes in scope.')
export class NextAllowedStartModel {
  @Prop.date({
    nullable: true,
    description: 'The earliest allowed start at or after `from`; null when there is none within the horizon.',
  })
  start: Date | null;

  @Prop.date({
    nullable: true,
    description: 'When that allowed stretch closes; null when nothing known closes it.',
  })
  end: Date | null;

  @Prop.string({
    maxLength: 4000,
    description: 'What blocks `from` (window and freeze ids), or what allows it.',
  })
  reason: string;
}
