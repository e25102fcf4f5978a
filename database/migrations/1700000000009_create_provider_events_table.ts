import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    /*
     * One row per provider callback event, claimed before its effect in the
     * same transaction: a repeated event_id finds the row and does nothing.
     * payout_id is the provider's text, not a foreign key, so events naming
     * unknown payouts are kept too.
     */
    this.schema.raw(`
      CREATE TABLE provider_events (
        event_id varchar(255) PRIMARY KEY,
        payout_id varchar(255) NOT NULL,
        status varchar(20) NOT NULL,
        outcome varchar(20) NOT NULL DEFAULT 'applied'
          CHECK (outcome IN ('applied', 'ignored')),
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      )
    `)
    this.schema.raw(`CREATE INDEX provider_events_payout_idx ON provider_events (payout_id)`)
  }

  async down() {
    this.schema.raw('DROP TABLE provider_events')
  }
}
