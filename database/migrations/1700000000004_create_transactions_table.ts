import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Tie-breaker that follows the order entries were written under the account lock.
        seq bigint GENERATED ALWAYS AS IDENTITY,
        account_id uuid NOT NULL REFERENCES accounts (id),
        type varchar(20) NOT NULL,
        amount bigint NOT NULL,
        fee bigint NOT NULL DEFAULT 0,
        balance_after bigint NOT NULL,
        reference varchar(255),
        payout_id uuid,
        order_id varchar(255),
        actor varchar(255),
        -- clock_timestamp(), not now(): the time the entry was written under the lock,
        -- so entries of one account are ordered like their balances (seq breaks ties).
        -- Milliseconds, like the API shows it: asking for the balance at a
        -- transaction's created_at includes that transaction.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        CONSTRAINT transactions_type_check
          CHECK (type IN ('deposit', 'payout_hold', 'payout_release', 'order_payment')),
        CONSTRAINT transactions_balance_after_non_negative CHECK (balance_after >= 0),
        CONSTRAINT transactions_fee_non_negative CHECK (fee >= 0),
        CONSTRAINT transactions_amount_non_zero CHECK (amount <> 0)
      )
    `)
    // Balance at an instant: one index probe for the latest entry at or before it.
    this.schema.raw(
      `CREATE INDEX transactions_balance_at_idx
         ON transactions (account_id, created_at DESC, seq DESC) INCLUDE (balance_after)`
    )
    // Keyset pagination of an account's transactions, newest first.
    this.schema.raw(
      `CREATE INDEX transactions_account_page_idx ON transactions (account_id, created_at DESC, id DESC)`
    )
    this.schema.raw(
      `CREATE INDEX transactions_payout_idx ON transactions (payout_id) WHERE payout_id IS NOT NULL`
    )
    // One debit per order, whatever the number of pay.order messages.
    this.schema.raw(
      `CREATE UNIQUE INDEX transactions_order_payment_unique ON transactions (order_id) WHERE type = 'order_payment'`
    )
  }

  async down() {
    this.schema.raw('DROP TABLE transactions')
  }
}
