import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  async up() {
    // A consumer's record of the messages whose effect it committed (written in the same transaction).
    this.schema.raw(`
      CREATE TABLE inbox_messages (
        consumer varchar(100) NOT NULL,
        message_id varchar(255) NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )
    `)
  }

  async down() {
    this.schema.raw('DROP TABLE inbox_messages')
  }
}
