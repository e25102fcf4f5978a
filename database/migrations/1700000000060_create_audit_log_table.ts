import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Who did what, from where: one row per operator, API or CLI write, inserted
 * in the transaction of the write itself (app/infrastructure/audit/). The
 * table is append-only: the application has no UPDATE or DELETE for it, and
 * the trigger refuses them from anyone else too.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        actor varchar(255) NOT NULL,
        actor_email varchar(255),
        role varchar(12),
        via varchar(12) NOT NULL,
        action varchar(60) NOT NULL,
        target_type varchar(30) NOT NULL,
        target_id varchar(255) NOT NULL,
        request_id varchar(128),
        ip varchar(64),
        changes jsonb NOT NULL DEFAULT '{}'::jsonb,
        CONSTRAINT audit_log_via_check CHECK (via IN ('dashboard', 'api', 'cli'))
      )
    `)
    this.schema.raw(
      `CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id DESC)`
    )
    this.schema.raw(`CREATE INDEX audit_log_actor_idx ON audit_log (actor, id DESC)`)
    this.schema.raw(`CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC)`)
    this.schema.raw(`
      CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$
    `)
    this.schema.raw(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    `)
  }

  async down() {
    this.schema.raw('DROP TABLE audit_log')
    this.schema.raw('DROP FUNCTION audit_log_append_only()')
  }
}
