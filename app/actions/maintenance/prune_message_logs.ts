import db from '@adonisjs/lucid/services/db'

export interface PruneResult {
  outbox: number
  inbox: number
}

/*
 * Keeps the message logs bounded: published outbox rows and inbox marks older
 * than the retention are deleted in batches. Unpublished outbox rows are never
 * touched, and an inbox mark must outlive any redelivery of its message, so
 * keep the retention far above the broker's redelivery horizon (days).
 */
export class PruneMessageLogs {
  async handle(retentionDays: number, batchSize = 5000): Promise<PruneResult> {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new RangeError('retention must be at least one whole day')
    }
    const outbox = await this.inBatches(
      `DELETE FROM outbox_messages WHERE id IN (
         SELECT id FROM outbox_messages
          WHERE published_at IS NOT NULL AND published_at < now() - (? * interval '1 day')
          LIMIT ?)`,
      retentionDays,
      batchSize
    )
    const inbox = await this.inBatches(
      `DELETE FROM inbox_messages WHERE (consumer, message_id) IN (
         SELECT consumer, message_id FROM inbox_messages
          WHERE processed_at < now() - (? * interval '1 day')
          LIMIT ?)`,
      retentionDays,
      batchSize
    )
    return { outbox, inbox }
  }

  protected async inBatches(sql: string, retentionDays: number, batchSize: number) {
    let total = 0
    for (;;) {
      const result = await db.rawQuery(sql, [retentionDays, batchSize])
      const deleted = result.rowCount ?? 0
      total += deleted
      if (deleted < batchSize) return total
    }
  }
}
