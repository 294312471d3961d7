import { MigrationInterface, QueryRunner } from 'typeorm';

/** Findings (one row per problem per source and subject) and the SLA policy, seeded with DefectDojo's days. */
export class CreateFindings1764232400000 implements MigrationInterface {
  name = 'CreateFindings1764232400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE findings (
         id uuid PRIMARY KEY,
         kind text NOT NULL,
         source text NOT NULL,
         dedup_key text NOT NULL,
         subject_type text NOT NULL,
         subject_id uuid NOT NULL,
         service_id uuid,
         title text NOT NULL,
         description text,
         severity text NOT NULL,
         severity_rank smallint NOT NULL,
         status text NOT NULL,
         evidence jsonb NOT NULL,
         first_seen_at timestamptz NOT NULL,
         last_seen_at timestamptz NOT NULL,
         opened_at timestamptz NOT NULL,
         resolved_at timestamptz,
         reopen_count integer NOT NULL DEFAULT 0,
         sla_due_at timestamptz,
         sla_breached_at timestamptz,
         status_reason text,
         status_changed_by text NOT NULL,
         status_changed_at timestamptz NOT NULL,
         justification text,
         accepted_by text,
         accepted_until timestamptz,
         version integer NOT NULL,
         created_at timestamptz NOT NULL,
         updated_at timestamptz NOT NULL,
         CONSTRAINT findings_dedup_key UNIQUE (source, subject_type, subject_id, dedup_key),
         CONSTRAINT findings_kind_check
           CHECK (kind IN ('compliance', 'vulnerability', 'endpoint', 'performance')),
         CONSTRAINT findings_severity_check CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
         CONSTRAINT findings_severity_rank_check CHECK (severity_rank = CASE severity
           WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 WHEN 'info' THEN 4 END),
         CONSTRAINT findings_status_check
           CHECK (status IN ('open', 'triaged', 'resolved', 'accepted', 'false_positive')),
         CONSTRAINT findings_subject_type_check CHECK (subject_type IN ('service', 'environment', 'release')),
         CONSTRAINT findings_justification_check CHECK (justification IN ('code_not_present',
           'code_not_reachable', 'requires_configuration', 'requires_dependency', 'requires_environment',
           'protected_by_compiler', 'protected_at_runtime', 'protected_at_perimeter',
           'protected_by_mitigating_control')),
         CONSTRAINT findings_accepted_check
           CHECK (status <> 'accepted' OR (accepted_by IS NOT NULL AND accepted_until IS NOT NULL))
       )`,
    );
    // Lists walk an index in worst-first order (see the entity).
    await db.query(
      `CREATE INDEX findings_subject_idx ON findings (subject_type, subject_id, severity_rank, id)`,
    );
    await db.query(`CREATE INDEX findings_service_idx ON findings (service_id, severity_rank, id)`);
    await db.query(`CREATE INDEX findings_status_idx ON findings (status, severity_rank, id)`);
    await db.query(
      `CREATE INDEX findings_unresolved_idx ON findings (severity_rank, id) WHERE status IN ('open', 'triaged')`,
    );
    // The sweep's two questions, each a small partial index.
    await db.query(
      `CREATE INDEX findings_sla_due_idx ON findings (sla_due_at)
        WHERE status IN ('open', 'triaged') AND sla_breached_at IS NULL`,
    );
    await db.query(
      `CREATE INDEX findings_accepted_until_idx ON findings (accepted_until) WHERE status = 'accepted'`,
    );
    await db.query(
      `CREATE TABLE finding_sla_policies (
         scope text CONSTRAINT finding_sla_policies_pkey PRIMARY KEY,
         critical_days integer,
         high_days integer,
         medium_days integer,
         low_days integer,
         info_days integer,
         version integer NOT NULL,
         CONSTRAINT finding_sla_policies_days_check CHECK (critical_days > 0 AND high_days > 0 AND
           medium_days > 0 AND low_days > 0 AND info_days > 0)
       )`,
    );
    await db.query(
      `INSERT INTO finding_sla_policies (scope, critical_days, high_days, medium_days, low_days, info_days, version)
       VALUES ('global', 7, 30, 90, 120, NULL, 1)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE finding_sla_policies');
    await db.query('DROP TABLE findings');
  }
}
