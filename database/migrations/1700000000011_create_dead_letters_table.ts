import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The dead-lettered message's own id: mirroring the same message twice is one row.
        message_id varchar(255) NOT NULL UNIQUE,
        queue varchar(255) NOT NULL,
        routing_key varchar(255),
        payout_id uuid REFERENCES payouts (id),
        account_id uuid,
        reason varchar(40) NOT NULL,
        error_code varchar(100),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        errors jsonb NOT NULL DEFAULT '[]'::jsonb,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        status varchar(12) NOT NULL DEFAULT 'open',
        resolved_by varchar(255),
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        CONSTRAINT dead_letters_status_check CHECK (status IN ('open', 'replayed', 'discarded'))
      )
    `)
    this.schema.raw(`CREATE INDEX dead_letters_page_idx ON dead_letters (created_at DESC, id DESC)`)
    this.schema.raw(
      `CREATE INDEX dead_letters_status_page_idx ON dead_letters (status, created_at DESC, id DESC)`
    )
    this.schema.raw(`CREATE INDEX dead_letters_payout_idx ON dead_letters (payout_id)`)
  }

  async down() {
    this.schema.raw('DROP TABLE dead_letters')
  }
}
