import { Args, Input, PageArgs, PartialOf, Prop } from '@opsplane/core';
import { DEFAULT_HORIZON_DAYS, MAX_DURATION_MINUTES, WindowKind } from '../schedule';
import { WINDOW_KINDS } from './deploy-window.model';

export const MAX_HORIZON_DAYS = 92;

@Input('CreateDeployWindowInput')
export class CreateDeployWindowInput {
  @Prop.string({
    optional: true,
    nullable: true,
    maxLength: 100,
    description: 'Narrow the window to one service (id or slug); omitted or null: every service.',
  })
  service?: string | null;

  @Prop.enum(WINDOW_KINDS, 'DeployWindowKind')
  kind: WindowKind;

  @Prop.string({
    maxLength: 100,
    description: 'Five cron fields (minute hour day-of-month month day-of-week), read in timeZone.',
    example: '0 9 * * 1-5',
  })
  schedule: string;

  // Bounds checked with schedule and timeZone (validateRecurringPeriod), so one answer names every problem.
  @Prop.int({ description: `How long each opening lasts, 1 to ${MAX_DURATION_MINUTES} minutes (7 days).` })
  durationMinutes: number;

  @Prop.string({
    maxLength: 64,
    description: 'IANA time zone; fixed offsets are refused because they ignore daylight saving.',
    example: 'Europe/Berlin',
  })
  timeZone: string;

  @Prop.string({ optional: true, nullable: true, maxLength: 500, example: 'Business hours, Berlin' })
  description?: string | null;
}

@Input('UpdateDeployWindowInput', 'Only the fields sent change; `service: null` widens it to every service.')
export class UpdateDeployWindowInput extends PartialOf(CreateDeployWindowInput) {}

@Args()
export class NextDeployWindowArgs {
  @Prop.uuid({
    optional: true,
    description: 'Include the windows and freezes of this service; omitted: only those for every service.',
  })
  serviceId?: string;

  @Prop.date({ optional: true, description: 'Look from this instant; default now.' })
  from?: Date;

  @Prop.int({
    optional: true,
    min: 1,
    max: MAX_HORIZON_DAYS,
    description: `How many days ahead to look, default ${DEFAULT_HORIZON_DAYS}.`,
  })
  horizonDays?: number;
}

/*
 * GraphQL takes the environment as an argument beside the others (REST has it in the path), and a
 * bare `@Args()` receives every argument, so these declare it too.
 */
const ENVIRONMENT = {
  maxLength: 100,
  description: 'The environment id (UUID) or slug.',
  example: 'production',
};

/** A page of something scoped to one environment, for GraphQL (REST has the environment in the path). */
@Args()
export class EnvironmentPageArgs extends PageArgs {
  @Prop.string(ENVIRONMENT)
  environment: string;
}

@Args()
export class NextDeployWindowQueryArgs extends NextDeployWindowArgs {
  @Prop.string(ENVIRONMENT)
  environment: string;
}
