import { Input, Model, Prop } from '@opsplane/core';

const DAYS = { min: 1, max: 3650 };
const daysOf = (severity: string) =>
  `Days to fix a ${severity} finding, from when it opened; null: no due date.`;

@Model(
  'FindingSlaPolicy',
  'Days to fix a finding, per severity (DefectDojo’s defaults: 7 / 30 / 90 / 120, none for info). A change ' +
    'moves the due date of every open and triaged finding to match.',
)
export class FindingSlaPolicyModel {
  @Prop.string({ description: 'What the policy applies to; `global` (every finding).' })
  scope: string;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('critical') })
  critical: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('high') })
  high: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('medium') })
  medium: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('low') })
  low: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('info') })
  info: number | null;

  @Prop.int({ min: 1, description: 'Send it back as If-Match.' })
  version: number;
}

@Input('UpdateFindingSlaPolicyInput', 'The whole policy: every severity, null for no due date.')
export class UpdateFindingSlaPolicyInput {
  @Prop.int({ ...DAYS, nullable: true, description: daysOf('critical') })
  critical: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('high') })
  high: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('medium') })
  medium: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('low') })
  low: number | null;

  @Prop.int({ ...DAYS, nullable: true, description: daysOf('info') })
  info: number | null;
}
