import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { EnvironmentTier, ServiceCriticality } from '@opsplane/catalog';
import { FrameworkId } from '../frameworks/frameworks';
import { ControlSubjectType } from './control-language';

/** A framework requirement a control serves, e.g. { framework: 'iso27001', requirement: 'A.8.24' }. */
export interface FrameworkMapping {
  framework: FrameworkId;
  requirement: string;
}

/** Which subjects a control applies to; every field given must match (empty: all of its type). */
export interface ControlScope {
  /** Environments: of these tiers; of these slugs; protected ones only (true) or unprotected only. */
  tiers?: EnvironmentTier[];
  slugs?: string[];
  protected?: boolean | null;
  /** Services: of these criticalities (and `slugs`). */
  criticalities?: ServiceCriticality[];
}

export const CONTROL_MODES = ['enforce', 'report', 'disabled'] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];

export const CONTROL_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type ControlSeverity = (typeof CONTROL_SEVERITIES)[number];

/** What every version of a control holds. */
export interface ControlDefinition {
  title: string;
  description: string | null;
  severity: ControlSeverity;
  frameworks: FrameworkMapping[];
  subjectType: ControlSubjectType;
  scope: ControlScope;
  mode: ControlMode;
  /** The check, in CEL, over the variables of its subject type (control-language.ts). */
  expression: string;
  /** How to fix a failure; becomes the finding's description. */
  remediation: string | null;
}

/** The columns of a definition, shared by a control (its latest) and each of its versions. */
abstract class DefinitionColumns implements ControlDefinition {
  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text')
  severity: ControlSeverity;

  @Column('jsonb')
  frameworks: FrameworkMapping[];

  @Column('text')
  subjectType: ControlSubjectType;

  @Column('jsonb')
  scope: ControlScope;

  @Column('text')
  mode: ControlMode;

  @Column('text')
  expression: string;

  @Column('text', { nullable: true })
  remediation: string | null;
}

/**
 * A control: its slug and its current definition (the latest version's, copied here so lists and
 * scans read one row). `version` is the number of that version: editing makes version + 1, and
 * If-Match compares it. A control is never deleted, since results point at its versions; it is
 * disabled instead.
 */
@Entity({ name: 'compliance_controls' })
@Unique('compliance_controls_slug_key', ['slug'])
@Check('compliance_controls_mode_check', `mode IN ('enforce', 'report', 'disabled')`)
export class ControlEntity extends DefinitionColumns {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  slug: string;

  /** `starter` for the shipped library (edited or not), `custom` for the install's own. */
  @Column('text')
  origin: 'starter' | 'custom';

  @Column('int')
  version: number;

  @Column('text')
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}

/** One version of a control, as it was saved; never changed. Results point at (control, version). */
@Entity({ name: 'compliance_control_versions' })
@Index('compliance_control_versions_created_idx', ['createdAt'])
export class ControlVersionEntity extends DefinitionColumns {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'compliance_control_versions_pkey' })
  controlId: string;

  @ManyToOne(() => ControlEntity)
  @JoinColumn({ name: 'control_id', foreignKeyConstraintName: 'compliance_control_versions_control_id_fkey' })
  control?: ControlEntity;

  @PrimaryColumn('int', { primaryKeyConstraintName: 'compliance_control_versions_pkey' })
  version: number;

  /** Actor id of whoever saved it (`system:compliance` for the starter library). */
  @Column('text')
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;
}

/** A library of controls loaded into this install, once (StarterLibraryLoader). */
@Entity({ name: 'compliance_library_loads' })
export class LibraryLoadEntity {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'compliance_library_loads_pkey' })
  library: string;

  @Column('timestamptz')
  loadedAt: Date;

  /** Controls it created (a slug the install already used was skipped). */
  @Column('int')
  controls: number;
}
