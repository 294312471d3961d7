import { Args, Input, PageArgs, PartialOf, Prop } from '@opsplane/core';

/**
 * The shape fields are all optional here; the service checks that exactly one shape is given,
 * so one request can be told every problem at once.
 */
@Input(
  'CreateFreezePeriodInput',
  'Give startsAt and endsAt (one-off) or schedule, durationMinutes and timeZone (recurring), not both.',
)
export class CreateFreezePeriodInput {
  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 100,
    description: 'The environment (id or slug); omitted or null: every environment.',
  })
  environment?: string | null;

  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 100,
    description: 'The service (id or slug); omitted or null: every service.',
  })
  service?: string | null;

  @Prop.string({ maxLength: 2000, example: 'Year-end freeze; ask #release-managers for exceptions' })
  reason: string;

  @Prop.date({ optional: true, nullable: true, description: 'One-off: start (included).' })
  startsAt?: Date | null;

  @Prop.date({ optional: true, nullable: true, description: 'One-off: end (excluded), after startsAt.' })
  endsAt?: Date | null;

  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 100,
    description: 'Recurring: five cron fields, read in timeZone.',
    example: '0 18 * * 5',
  })
  schedule?: string | null;

  @Prop.int({
    optional: true,
    nullable: true,
    description: 'Recurring: how long each period lasts, 1 to 10080 (7 days).',
    example: 3780,
  })
  durationMinutes?: number | null;

  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 64,
    description: 'Recurring: IANA time zone.',
    example: 'Europe/Berlin',
  })
  timeZone?: string | null;
}

@Input(
  'UpdateFreezePeriodInput',
  'Only the fields sent change; to switch shape, send the new shape and null for the old one.',
)
export class UpdateFreezePeriodInput extends PartialOf(CreateFreezePeriodInput) {}

@Args()
export class ListFreezePeriodsArgs extends PageArgs {
  @Prop.uuid({
    optional: true,
    description: 'Freezes that apply to this environment: its own and those for every environment.',
  })
  environmentId?: string;

  @Prop.uuid({
    optional: true,
    description: 'Freezes that apply to this service: its own and those for every service.',
  })
  serviceId?: string;

  @Prop.date({
    optional: true,
    description:
      'Only freezes in force at this instant. A page may then hold fewer than `limit` items; follow nextCursor.',
  })
  activeAt?: Date;
}
