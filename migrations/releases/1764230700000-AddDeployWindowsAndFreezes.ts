import { MigrationInterface, QueryRunner } from 'typeorm';

/** Deploy windows and freeze periods (the window and freeze gates), and freeze overrides on deployments. */
export class AddDeployWindowsAndFreezes1764230700000 implements MigrationInterface {
  name = 'AddDeployWindowsAndFreezes1764230700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deploy_windows (
        id uuid NOT NULL,
        environment_id uuid NOT NULL,
        service_id uuid,
        kind text NOT NULL,
        schedule text NOT NULL,
        duration_minutes integer NOT NULL,
        time_zone text NOT NULL,
        description text,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT deploy_windows_pkey PRIMARY KEY (id),
        CONSTRAINT deploy_windows_environment_id_fkey FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT deploy_windows_service_id_fkey FOREIGN KEY (service_id) REFERENCES services (id),
        CONSTRAINT deploy_windows_kind_check CHECK (kind IN ('allow', 'deny'))
      )`);
    // The gate loads an environment's windows on every request and start; lists go in id order.
    await db.query(`CREATE INDEX deploy_windows_environment_idx ON deploy_windows (environment_id, id)`);

    await db.query(`
      CREATE TABLE freeze_periods (
        id uuid NOT NULL,
        environment_id uuid,
        service_id uuid,
        reason text NOT NULL,
        starts_at timestamptz,
        ends_at timestamptz,
        schedule text,
        duration_minutes integer,
        time_zone text,
        created_by text NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT freeze_periods_pkey PRIMARY KEY (id),
        CONSTRAINT freeze_periods_environment_id_fkey FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT freeze_periods_service_id_fkey FOREIGN KEY (service_id) REFERENCES services (id),
        CONSTRAINT freeze_periods_shape_check CHECK (
          (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at
            AND schedule IS NULL AND duration_minutes IS NULL AND time_zone IS NULL)
          OR (starts_at IS NULL AND ends_at IS NULL
            AND schedule IS NOT NULL AND duration_minutes IS NOT NULL AND time_zone IS NOT NULL))
      )`);
    // The gate asks for "this environment or all of them": a bitmap OR over this index and its nulls.
    await db.query(`CREATE INDEX freeze_periods_environment_idx ON freeze_periods (environment_id, id)`);

    await db.query(`
      ALTER TABLE deployments
        ADD COLUMN freeze_override_reason text,
        ADD COLUMN freeze_overridden_by text,
        ADD CONSTRAINT deployments_freeze_override_check
          CHECK ((freeze_override_reason IS NULL) = (freeze_overridden_by IS NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deployments
        DROP CONSTRAINT deployments_freeze_override_check,
        DROP COLUMN freeze_overridden_by,
        DROP COLUMN freeze_override_reason`);
    await db.query(`DROP TABLE freeze_periods`);
    await db.query(`DROP TABLE deploy_windows`);
  }
}
