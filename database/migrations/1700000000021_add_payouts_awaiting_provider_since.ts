import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * When the provider accepted a PROCESSING payout as pending. From then on the
 * worker only asks for its status (no new attempt, no failure on a transient
 * error) until the provider settles it; every status move clears it.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`ALTER TABLE payouts ADD COLUMN awaiting_provider_since timestamptz`)
    // The few payouts waiting on the provider, for the metrics and the worker's checks.
    this.schema.raw(
      `CREATE INDEX payouts_awaiting_provider_idx ON payouts (awaiting_provider_since)
        WHERE awaiting_provider_since IS NOT NULL`
    )
  }

  async down() {
    this.schema.raw(`DROP INDEX payouts_awaiting_provider_idx`)
    this.schema.raw(`ALTER TABLE payouts DROP COLUMN awaiting_provider_since`)
  }
}
