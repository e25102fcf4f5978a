import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE payout_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payout_id uuid NOT NULL REFERENCES payouts (id),
        type varchar(40) NOT NULL,
        from_status varchar(12),
        to_status varchar(12),
        actor varchar(255) NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      )
    `)
    this.schema.raw(`CREATE INDEX payout_events_payout_idx ON payout_events (payout_id, id)`)
  }

  async down() {
    this.schema.raw('DROP TABLE payout_events')
  }
}
