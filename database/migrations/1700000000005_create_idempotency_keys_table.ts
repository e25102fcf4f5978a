import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE idempotency_keys (
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key varchar(255) NOT NULL,
        fingerprint char(64) NOT NULL,
        method varchar(10) NOT NULL,
        path varchar(2048) NOT NULL,
        -- in_flight: claimed, running; completed: response stored and replayed.
        state varchar(12) NOT NULL DEFAULT 'in_flight',
        -- Changes at each claim, so a reclaimed stale request cannot overwrite its successor.
        claim_id uuid NOT NULL,
        response_status smallint,
        response_body text,
        locked_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (owner_id, key),
        CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_flight', 'completed'))
      )
    `)
    this.schema.raw(`CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`)
  }

  async down() {
    this.schema.raw('DROP TABLE idempotency_keys')
  }
}
