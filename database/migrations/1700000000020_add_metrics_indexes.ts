import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Indexes behind the metrics page, polled every few seconds: its per-minute
 * series read the last hour of payout events and of completed payouts.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`CREATE INDEX payout_events_created_at_idx ON payout_events (created_at)`)
    this.schema.raw(
      `CREATE INDEX payouts_completed_at_idx ON payouts (completed_at) WHERE completed_at IS NOT NULL`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX payouts_completed_at_idx')
    this.schema.raw('DROP INDEX payout_events_created_at_idx')
  }
}
