import { Args, Input, INSTANT_RANGE_TEXT, Model, PageArgs, PageOf, Prop } from '@opsplane/core';
import { CONTROL_SUBJECT_TYPES, ControlSubjectType } from '../controls/control-language';

@Input(
  'CreateWaiverInput',
  'A failure of the control on the subject reports as `waived` until expiresAt (required; in the future, within ' +
    'COMPLIANCE_MAX_WAIVER_DAYS) unless revoked. approvedBy must be someone other than the caller.',
)
export class CreateWaiverInput {
  @Prop.string({ maxLength: 100, description: 'The control, by id or slug.', example: 'hsts-enabled' })
  control: string;

  @Prop.string({
    maxLength: 100,
    description: 'The environment or service (the control’s subject type), by id or slug.',
    example: 'production',
  })
  subject: string;

  @Prop.string({ maxLength: 2000, example: 'Legacy endpoint, decommissioned on 2027-03-01' })
  reason: string;

  @Prop.string({
    maxLength: 200,
    description: 'Who approved it: a person other than the caller.',
    example: 'Dana Scully',
  })
  approvedBy: string;

  // Required, so Prop.date does not add the accepted range itself (it does for optional inputs).
  @Prop.date({ description: `When it stops applying. Must be ${INSTANT_RANGE_TEXT}.` })
  expiresAt: Date;
}

@Input('RevokeWaiverInput')
export class RevokeWaiverInput {
  @Prop.string({ maxLength: 2000, description: 'Why it no longer applies.' })
  reason: string;
}

@Model('Waiver', 'An exception to a control for one subject, with an expiry and an approver.')
export class WaiverModel {
  @Prop.uuid()
  id: string;

  @Prop.uuid()
  controlId: string;

  @Prop.enum(CONTROL_SUBJECT_TYPES, 'ControlSubjectType')
  subjectType: ControlSubjectType;

  @Prop.uuid()
  subjectId: string;

  @Prop.string({ maxLength: 2000 })
  reason: string;

  @Prop.string({ description: 'Actor id of whoever asked for it.' })
  requestedBy: string;

  @Prop.string({ maxLength: 200 })
  approvedBy: string;

  @Prop.date()
  expiresAt: Date;

  @Prop.date({ nullable: true })
  revokedAt: Date | null;

  @Prop.string({ nullable: true, maxLength: 2000 })
  revokedReason: string | null;

  @Prop.bool({ description: 'Neither expired nor revoked, now.' })
  active: boolean;

  @Prop.int({ min: 1, description: 'Send it back as If-Match.' })
  version: number;

  @Prop.date()
  createdAt: Date;
}

export const WaiverPage = PageOf(WaiverModel, 'WaiverPage');

@Args()
export class ListWaiversArgs extends PageArgs {
  @Prop.uuid({ optional: true, description: 'Waivers of this control.' })
  controlId?: string;

  @Prop.uuid({ optional: true, description: 'Waivers for this environment or service.' })
  subjectId?: string;

  @Prop.bool({
    optional: true,
    description: 'true: only those in force now; false: only expired or revoked ones.',
  })
  active?: boolean;
}
