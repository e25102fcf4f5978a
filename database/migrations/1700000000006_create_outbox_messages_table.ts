import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE TABLE outbox_messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id varchar(255) NOT NULL UNIQUE,
        exchange varchar(255) NOT NULL,
        routing_key varchar(255) NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- Per-message TTL for the retry delay queues (null: none).
        expiration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text
      )
    `)
    // The relay only ever scans unpublished rows, oldest first.
    this.schema.raw(
      `CREATE INDEX outbox_messages_pending_idx ON outbox_messages (id) WHERE published_at IS NULL`
    )
  }

  async down() {
    this.schema.raw('DROP TABLE outbox_messages')
  }
}
