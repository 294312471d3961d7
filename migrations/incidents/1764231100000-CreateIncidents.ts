import { MigrationInterface, QueryRunner } from 'typeorm';

/** Incidents, their timelines and postmortems. */
export class CreateIncidents1764231100000 implements MigrationInterface {
  name = 'CreateIncidents1764231100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE incidents (
        id uuid NOT NULL,
        title text NOT NULL,
        summary text,
        severity text NOT NULL,
        status text NOT NULL,
        service_ids uuid[] NOT NULL DEFAULT '{}',
        environment_ids uuid[] NOT NULL DEFAULT '{}',
        commander text,
        responders text[] NOT NULL DEFAULT '{}',
        triggered_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        mitigated_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        reopened_at timestamptz,
        reopen_count integer NOT NULL DEFAULT 0,
        impact_started_at timestamptz,
        detected_at timestamptz,
        caused_by_deployment_id uuid,
        declared_by text NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT incidents_pkey PRIMARY KEY (id),
        CONSTRAINT incidents_caused_by_deployment_id_fkey
          FOREIGN KEY (caused_by_deployment_id) REFERENCES deployments (id),
        CONSTRAINT incidents_status_check
          CHECK (status IN ('triggered', 'acknowledged', 'mitigated', 'resolved', 'closed')),
        CONSTRAINT incidents_severity_check CHECK (severity IN ('SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5')),
        CONSTRAINT incidents_reopen_count_check CHECK (reopen_count >= 0)
      )`);
    // Reports and list filters by period; the open-incidents gauge and status filters.
    await db.query(`CREATE INDEX incidents_triggered_at_idx ON incidents (triggered_at, id)`);
    await db.query(`CREATE INDEX incidents_status_idx ON incidents (status, id)`);
    // "Incidents affecting service X": containment (@>) on the arrays.
    await db.query(`CREATE INDEX incidents_service_ids_idx ON incidents USING gin (service_ids)`);
    await db.query(`CREATE INDEX incidents_environment_ids_idx ON incidents USING gin (environment_ids)`);

    await db.query(`
      CREATE TABLE incident_timeline_entries (
        id uuid NOT NULL,
        incident_id uuid NOT NULL,
        kind text NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        actor_kind text NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        body text,
        from_status text,
        to_status text,
        from_severity text,
        to_severity text,
        deployment_id uuid,
        data jsonb NOT NULL DEFAULT '{}',
        pinned_at timestamptz,
        pinned_by text,
        CONSTRAINT incident_timeline_entries_pkey PRIMARY KEY (id),
        CONSTRAINT incident_timeline_entries_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id),
        CONSTRAINT incident_timeline_entries_kind_check CHECK (kind IN (
          'note', 'status_change', 'severity_change', 'alert_fired', 'alert_resolved', 'deployment',
          'impact_detected', 'impact_mitigated', 'action'
        )),
        CONSTRAINT incident_timeline_entries_actor_kind_check
          CHECK (actor_kind IN ('user', 'api_key', 'integration', 'system')),
        CONSTRAINT incident_timeline_entries_pin_check CHECK ((pinned_at IS NULL) = (pinned_by IS NULL))
      )`);
    // A timeline reads in occurredAt order, page by page.
    await db.query(`
      CREATE INDEX incident_timeline_entries_incident_idx
        ON incident_timeline_entries (incident_id, occurred_at, id)`);

    await db.query(`
      CREATE TABLE incident_postmortems (
        id uuid NOT NULL,
        incident_id uuid NOT NULL,
        status text NOT NULL,
        summary text,
        root_cause text,
        impact text,
        action_items jsonb NOT NULL DEFAULT '[]',
        published_at timestamptz,
        created_by text NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT incident_postmortems_pkey PRIMARY KEY (id),
        CONSTRAINT incident_postmortems_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents (id),
        CONSTRAINT incident_postmortems_status_check CHECK (status IN ('draft', 'in_review', 'published'))
      )`);
    // One postmortem per incident.
    await db.query(
      `CREATE UNIQUE INDEX incident_postmortems_incident_key ON incident_postmortems (incident_id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE incident_postmortems`);
    await db.query(`DROP TABLE incident_timeline_entries`);
    await db.query(`DROP TABLE incidents`);
  }
}
