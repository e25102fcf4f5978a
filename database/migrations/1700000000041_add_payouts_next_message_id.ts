import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The message a scheduled payout waits for (a retry hop, a status check or a
 * sweeper's re-dispatch). While it is set, only that message (or a redelivery
 * of the attempt in progress) moves the payout, and a copy the sweeper
 * replaced is recorded in the inbox as already handled (docs/adr/0009).
 * The second index serves the sweeper's search for open payouts with nothing
 * scheduled that have not moved for a while.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`ALTER TABLE payouts ADD COLUMN next_message_id text`)
    this.schema.raw(
      `CREATE INDEX payouts_unscheduled_open_idx ON payouts (updated_at)
        WHERE status IN ('NEW', 'PROCESSING') AND next_attempt_at IS NULL`
    )
  }

  async down() {
    this.schema.raw(`DROP INDEX payouts_unscheduled_open_idx`)
    this.schema.raw(`ALTER TABLE payouts DROP COLUMN next_message_id`)
  }
}
