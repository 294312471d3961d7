import { MigrationInterface, QueryRunner } from 'typeorm';

/** Approval rules per environment, approval decisions, and the rule snapshot on each deployment. */
export class AddDeploymentApprovals1764230800000 implements MigrationInterface {
  name = 'AddDeploymentApprovals1764230800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE environment_approval_rules (
        environment_id uuid NOT NULL,
        required_approvals integer NOT NULL,
        approver_role text NOT NULL,
        allow_self_approval boolean NOT NULL DEFAULT false,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        CONSTRAINT environment_approval_rules_pkey PRIMARY KEY (environment_id),
        CONSTRAINT environment_approval_rules_environment_id_fkey
          FOREIGN KEY (environment_id) REFERENCES environments (id),
        CONSTRAINT environment_approval_rules_required_check CHECK (required_approvals BETWEEN 1 AND 10),
        CONSTRAINT environment_approval_rules_role_check
          CHECK (approver_role IN ('viewer', 'operator', 'admin', 'auditor'))
      )`);

    await db.query(`
      CREATE TABLE deployment_approvals (
        id uuid NOT NULL,
        deployment_id uuid NOT NULL,
        decision text NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        actor_role text NOT NULL,
        comment text,
        decided_at timestamptz NOT NULL,
        CONSTRAINT deployment_approvals_pkey PRIMARY KEY (id),
        CONSTRAINT deployment_approvals_deployment_id_fkey FOREIGN KEY (deployment_id) REFERENCES deployments (id),
        CONSTRAINT deployment_approvals_decision_check CHECK (decision IN ('approved', 'rejected'))
      )`);
    // One decision per actor and deployment; also serves the listing of a deployment's decisions.
    await db.query(
      `CREATE UNIQUE INDEX deployment_approvals_actor_key ON deployment_approvals (deployment_id, actor_id)`,
    );

    // The rule as it was at request time; all three null when the environment had no rule.
    await db.query(`
      ALTER TABLE deployments
        ADD COLUMN approvals_required integer,
        ADD COLUMN approver_role text,
        ADD COLUMN allow_self_approval boolean,
        ADD COLUMN approvals_received integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT deployments_approval_rule_check
          CHECK ((approvals_required IS NULL) = (approver_role IS NULL)
            AND (approvals_required IS NULL) = (allow_self_approval IS NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE deployments
        DROP CONSTRAINT deployments_approval_rule_check,
        DROP COLUMN approvals_received,
        DROP COLUMN allow_self_approval,
        DROP COLUMN approver_role,
        DROP COLUMN approvals_required`);
    await db.query(`DROP TABLE deployment_approvals`);
    await db.query(`DROP TABLE environment_approval_rules`);
  }
}
