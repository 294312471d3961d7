import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ControlEntity } from '../controls/control.entity';
import { ControlSubjectType } from '../controls/control-language';

/**
 * An exception: a failure of one control on one subject reports as `waived` (never `passed`)
 * until it expires or is revoked. Every waiver has an expiry and an approver other than its
 * requester. Never deleted: results of past scans point at the waiver they applied.
 */
@Entity({ name: 'compliance_waivers' })
@Index('compliance_waivers_control_subject_idx', ['controlId', 'subjectType', 'subjectId', 'expiresAt'])
export class WaiverEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  controlId: string;

  @ManyToOne(() => ControlEntity)
  @JoinColumn({ name: 'control_id', foreignKeyConstraintName: 'compliance_waivers_control_id_fkey' })
  control?: ControlEntity;

  @Column('text')
  subjectType: ControlSubjectType;

  @Column('uuid')
  subjectId: string;

  @Column('text')
  reason: string;

  /** Actor id of whoever asked for it. */
  @Column('text')
  requestedBy: string;

  /** The person who approved it (name or handle), not the requester. */
  @Column('text')
  approvedBy: string;

  @Column('timestamptz')
  expiresAt: Date;

  @Column('timestamptz', { nullable: true })
  revokedAt: Date | null;

  @Column('text', { nullable: true })
  revokedReason: string | null;

  @Column('int')
  version: number;

  @Column('timestamptz')
  createdAt: Date;
}
