import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Console indexes: the global search finds a payout by the provider's
 * reference with one probe; the stuck page lists what the sweeper did
 * (its timeline events) without reading everyone else's.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      `CREATE INDEX payouts_provider_reference_idx ON payouts (provider_reference)
        WHERE provider_reference IS NOT NULL`
    )
    this.schema.raw(
      `CREATE INDEX payout_events_sweeper_idx ON payout_events (id DESC) WHERE actor = 'sweeper'`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX payout_events_sweeper_idx')
    this.schema.raw('DROP INDEX payouts_provider_reference_idx')
  }
}
