import { Model, PageOf, Prop } from '@opsplane/core';
import { MAX_DURATION_MINUTES } from '../schedule';

@Model(
  'FreezePeriod',
  'No deployment may be requested or started while a freeze is in force, unless an admin overrides it ' +
    'with a reason. One-off (startsAt/endsAt) or recurring (schedule/durationMinutes/timeZone).',
)
export class FreezePeriodModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid({ nullable: true, description: 'Null: every environment.' })
  environmentId: string | null;

  @Prop.uuid({ nullable: true, description: 'Null: every service.' })
  serviceId: string | null;

  @Prop.string({ maxLength: 2000, description: 'Shown to whoever the freeze refuses.' })
  reason: string;

  @Prop.date({ nullable: true, description: 'One-off freezes: start (included).' })
  startsAt: Date | null;

  @Prop.date({ nullable: true, description: 'One-off freezes: end (excluded).' })
  endsAt: Date | null;

  @Prop.string({ nullable: true, maxLength: 100, description: 'Recurring freezes: five cron fields.' })
  schedule: string | null;

  @Prop.int({ nullable: true, min: 1, max: MAX_DURATION_MINUTES, description: 'Recurring freezes.' })
  durationMinutes: number | null;

  @Prop.string({ nullable: true, maxLength: 64, description: 'Recurring freezes: IANA time zone.' })
  timeZone: string | null;

  @Prop.string({ description: 'Actor id of whoever created it.' })
  createdBy: string;

  @Prop.int({ min: 1, description: 'Increments on every change; send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;

  @Prop.date()
  updatedAt: Date;
}

export const FreezePeriodPage = PageOf(FreezePeriodModel, 'FreezePeriodPage');

export const FREEZE_PERIOD_COLUMNS = [
  'id',
  'environmentId',
  'serviceId',
  'reason',
  'startsAt',
  'endsAt',
  'schedule',
  'durationMinutes',
  'timeZone',
  'createdBy',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof FreezePeriodModel)[];

export function toFreezePeriodModel(
  row: Pick<FreezePeriodModel, (typeof FREEZE_PERIOD_COLUMNS)[number]>,
): FreezePeriodModel {
  return {
    id: row.id,
    environmentId: row.environmentId,
    serviceId: row.serviceId,
    reason: row.reason,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    schedule: row.schedule,
    durationMinutes: row.durationMinutes,
    timeZone: row.timeZone,
    createdBy: row.createdBy,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
