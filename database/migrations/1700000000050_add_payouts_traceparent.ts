import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * The W3C traceparent of the operation that created the payout (the API
 * request's span when tracing is on). The provider's webhook carries no trace
 * context, so the handler settling an async payout continues the payout's
 * trace from here; the payout page shows its trace id.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`ALTER TABLE payouts ADD COLUMN traceparent text`)
  }

  async down() {
    this.schema.raw(`ALTER TABLE payouts DROP COLUMN traceparent`)
  }
}
