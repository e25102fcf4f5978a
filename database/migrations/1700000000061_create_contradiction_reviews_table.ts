import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * An operator's review of one provider contradiction (a payout_events row of
 * type provider_contradiction): marked reconciled with a note. A contradiction
 * without a review is open. The partial index lists contradictions newest
 * first without reading the rest of the timeline table.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE contradiction_reviews (
        payout_event_id bigint PRIMARY KEY REFERENCES payout_events (id),
        payout_id uuid NOT NULL REFERENCES payouts (id),
        note text NOT NULL,
        actor varchar(255) NOT NULL,
        reviewed_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      )
    `)
    this.schema.raw(
      `CREATE INDEX payout_events_contradiction_idx ON payout_events (id DESC)
        WHERE type = 'provider_contradiction'`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX payout_events_contradiction_idx')
    this.schema.raw('DROP TABLE contradiction_reviews')
  }
}
