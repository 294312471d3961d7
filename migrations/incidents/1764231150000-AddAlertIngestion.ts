import { MigrationInterface, QueryRunner } from 'typeorm';

/** Alert sources (Alertmanager, Grafana, PagerDuty-events senders), their alerts and alert groups. */
export class AddAlertIngestion1764231150000 implements MigrationInterface {
  name = 'AddAlertIngestion1764231150000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE alert_sources (
        id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        secret text NOT NULL,
        severity_label text NOT NULL,
        severity_map jsonb NOT NULL DEFAULT '{}',
        default_severity text NOT NULL,
        service_label text NOT NULL,
        environment_label text NOT NULL,
        resolve_incident_to text NOT NULL,
        created_by text NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alert_sources_pkey PRIMARY KEY (id),
        CONSTRAINT alert_sources_kind_check CHECK (kind IN ('alertmanager', 'grafana', 'pagerduty')),
        CONSTRAINT alert_sources_resolve_check CHECK (resolve_incident_to IN ('mitigated', 'resolved')),
        CONSTRAINT alert_sources_severity_check
          CHECK (default_severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'))
      )`);

    await db.query(`
      CREATE TABLE alerts (
        id uuid NOT NULL,
        source_id uuid NOT NULL,
        dedup_key text NOT NULL,
        group_key text,
        incident_id uuid,
        status text NOT NULL,
        title text NOT NULL,
        severity text NOT NULL,
        labels jsonb NOT NULL,
        annotations jsonb NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz,
        first_received_at timestamptz NOT NULL,
        last_changed_at timestamptz NOT NULL,
        CONSTRAINT alerts_pkey PRIMARY KEY (id),
        CONSTRAINT alerts_source_id_fkey FOREIGN KEY (source_id) REFERENCES alert_sources (id),
        CONSTRAINT alerts_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id),
        CONSTRAINT alerts_status_check CHECK (status IN ('firing', 'resolved'))
      )`);
    // One row per alert instance, whatever the number of deliveries.
    await db.query(`CREATE UNIQUE INDEX alerts_source_dedup_key ON alerts (source_id, dedup_key)`);
    // "Is anything still firing on this incident?"
    await db.query(`CREATE INDEX alerts_incident_idx ON alerts (incident_id, status)`);

    await db.query(`
      CREATE TABLE alert_groups (
        id uuid NOT NULL,
        source_id uuid NOT NULL,
        group_key text NOT NULL,
        incident_id uuid,
        truncated_alerts integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL,
        CONSTRAINT alert_groups_pkey PRIMARY KEY (id),
        CONSTRAINT alert_groups_source_id_fkey FOREIGN KEY (source_id) REFERENCES alert_sources (id),
        CONSTRAINT alert_groups_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id)
      )`);
    await db.query(
      `CREATE UNIQUE INDEX alert_groups_source_group_key ON alert_groups (source_id, group_key)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE alert_groups`);
    await db.query(`DROP TABLE alerts`);
    await db.query(`DROP TABLE alert_sources`);
  }
}
