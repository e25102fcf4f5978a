import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE payouts (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts (id),
        amount bigint NOT NULL,
        fee bigint NOT NULL,
        currency char(3) NOT NULL,
        status varchar(12) NOT NULL DEFAULT 'NEW',
        recipient_details varchar(500) NOT NULL,
        comment varchar(1000),
        attempts integer NOT NULL DEFAULT 0,
        failure_code varchar(100),
        failure_message varchar(1000),
        provider_reference varchar(255),
        -- The payout.process message of the attempt in progress: a redelivery of it is not a new attempt.
        attempt_message_id varchar(255),
        created_by varchar(255),
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        completed_at timestamptz,
        CONSTRAINT payouts_amount_positive CHECK (amount > 0),
        CONSTRAINT payouts_fee_non_negative CHECK (fee >= 0),
        CONSTRAINT payouts_status_check
          CHECK (status IN ('NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED')),
        CONSTRAINT payouts_recipient_length CHECK (char_length(recipient_details) BETWEEN 1 AND 500)
      )
    `)
    // Keyset pages: all payouts, per account, per status; newest first.
    this.schema.raw(`CREATE INDEX payouts_page_idx ON payouts (created_at DESC, id DESC)`)
    this.schema.raw(
      `CREATE INDEX payouts_account_page_idx ON payouts (account_id, created_at DESC, id DESC)`
    )
    this.schema.raw(
      `CREATE INDEX payouts_status_page_idx ON payouts (status, created_at DESC, id DESC)`
    )
    // A hold's ledger row is written before its payout row in the same transaction.
    this.schema.raw(`
      ALTER TABLE transactions ADD CONSTRAINT transactions_payout_fk
        FOREIGN KEY (payout_id) REFERENCES payouts (id) DEFERRABLE INITIALLY DEFERRED
    `)
  }

  async down() {
    this.schema.raw('ALTER TABLE transactions DROP CONSTRAINT transactions_payout_fk')
    this.schema.raw('DROP TABLE payouts')
  }
}
