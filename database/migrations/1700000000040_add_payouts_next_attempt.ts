import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * When a PROCESSING payout should move next. Set in the transaction that
 * schedules a retry (with the attempt number the retry is for), cleared when
 * that attempt starts or the payout settles. The sweeper re-dispatches payouts
 * whose time is overdue, so a retry message the broker dropped is not the end
 * of the payout; the operator console lists them as "waiting for a retry".
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(
      `ALTER TABLE payouts ADD COLUMN next_attempt_at timestamptz, ADD COLUMN next_attempt integer`
    )
    this.schema.raw(
      `CREATE INDEX payouts_next_attempt_idx ON payouts (next_attempt_at)
        WHERE next_attempt_at IS NOT NULL`
    )
  }

  async down() {
    this.schema.raw(`DROP INDEX payouts_next_attempt_idx`)
    this.schema.raw(`ALTER TABLE payouts DROP COLUMN next_attempt_at, DROP COLUMN next_attempt`)
  }
}
