import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_ref varchar(255) NOT NULL,
        currency char(3) NOT NULL,
        balance bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- The backstop of the whole product: no code path can overdraw an account.
        CONSTRAINT accounts_balance_non_negative CHECK (balance >= 0),
        CONSTRAINT accounts_external_ref_currency_unique UNIQUE (external_ref, currency)
      )
    `)
    this.schema.raw(
      `CREATE INDEX accounts_created_at_id_idx ON accounts (created_at DESC, id DESC)`
    )
  }

  async down() {
    this.schema.raw('DROP TABLE accounts')
  }
}
