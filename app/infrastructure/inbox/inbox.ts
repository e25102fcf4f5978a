import { direct, type Transaction } from '#infrastructure/database/direct'

/*
 * Exactly-once effects for consumed messages: a consumer records the message
 * id in the same transaction as the message's effect, so a redelivered or
 * duplicated message finds it and does nothing.
 */
export class Inbox {
  async seen(consumer: string, messageId: string) {
    const result = await direct.rawQuery(
      'SELECT 1 FROM inbox_messages WHERE consumer = ? AND message_id = ?',
      [consumer, messageId]
    )
    return result.rows.length > 0
  }

  /* Records the message inside `trx`; false when it was already recorded (a duplicate). */
  async mark(trx: Transaction, consumer: string, messageId: string) {
    const result = await trx.rawQuery(
      `INSERT INTO inbox_messages (consumer, message_id) VALUES (?, ?)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [consumer, messageId]
    )
    return result.rows.length === 1
  }
}
