import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { outboxMetrics } from '#infrastructure/outbox/metrics'
import { bindings } from '#infrastructure/database/bindings'

/* What the outbox needs from the broker: a publish that resolves once confirmed. */
export interface ConfirmedPublisher {
  publish(
    exchange: string,
    routingKey: string,
    payload: unknown,
    properties: {
      messageId: string
      timestamp: Date
      headers: Record<string, string>
      expiration?: number
    }
  ): Promise<void>
}

export interface OutgoingMessage {
  exchange: string
  routingKey: string
  payload: Record<string, unknown>
  headers?: Record<string, string>
  /* Per-message TTL, for the retry delay queues. */
  expirationMs?: number
  /* Reuse an id (e.g. a dead-lettered message keeps its own); a new UUID otherwise. */
  messageId?: string
}

interface OutboxRow {
  id: string
  message_id: string
  exchange: string
  routing_key: string
  payload: unknown
  headers: Record<string, string>
  expiration_ms: number | null
  created_at: Date
}

/*
 * Transactional outbox. Messages are rows written in the same database
 * transaction as the change that caused them; after that transaction commits
 * they are published with publisher confirms and only then marked published.
 * A crash between commit and publish leaves the rows for the relay, which
 * claims them with FOR UPDATE SKIP LOCKED so any number of relays can run.
 * Delivery is at least once; consumers deduplicate on message_id.
 */
export class Outbox {
  constructor(private publisher: ConfirmedPublisher) {}

  /* Writes the messages inside `trx` and publishes them once it commits. */
  async stage(trx: TransactionClientContract, messages: OutgoingMessage[]) {
    if (messages.length === 0) return []
    const rows: OutboxRow[] = messages.map((message) => ({
      id: '',
      message_id: message.messageId ?? randomUUID(),
      exchange: message.exchange,
      routing_key: message.routingKey,
      payload: message.payload,
      headers: message.headers ?? {},
      expiration_ms: message.expirationMs ?? null,
      created_at: new Date(),
    }))
    const placeholders = rows.map(() => '(?, ?, ?, ?::jsonb, ?::jsonb, ?::integer)').join(', ')
    const result = await trx.rawQuery(
      `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, expiration_ms)
       VALUES ${placeholders} RETURNING id`,
      bindings(
        rows.flatMap((row) => [
          row.message_id,
          row.exchange,
          row.routing_key,
          JSON.stringify(row.payload),
          JSON.stringify(row.headers),
          row.expiration_ms,
        ])
      )
    )
    const ids = (result.rows as { id: string }[]).map((row) => row.id)
    rows.forEach((row, index) => (row.id = ids[index]))
    trx.after('commit', () => {
      this.publishStaged(rows).catch((error) => {
        logger.warn(
          { err: error, outbox_ids: ids },
          'after-commit publish failed; relay will retry'
        )
      })
    })
    return ids
  }

  /*
   * The fast path right after commit: the rows are still in memory, so they
   * are published without reading them back, then marked in one statement.
   * The relay only takes rows older than a few seconds, so it does not race
   * this; if it ever did, the message would go out twice with the same
   * message_id, which every consumer deduplicates.
   */
  protected async publishStaged(rows: OutboxRow[]) {
    for (const row of rows) await this.publishRow(row)
    await this.markPublished(
      db,
      rows.map((row) => row.id)
    )
  }

  /* One relay pass: publishes up to `batchSize` rows a crash or an outage left behind. */
  async relayOnce(batchSize = 100, minAgeMs = 0) {
    return db.transaction(async (trx) => {
      const result = await trx.rawQuery(
        `SELECT * FROM outbox_messages
          WHERE published_at IS NULL AND created_at <= now() - (? * interval '1 millisecond')
          ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
        [minAgeMs, batchSize]
      )
      const claimed = result.rows as OutboxRow[]
      const published: string[] = []
      let failure: unknown
      for (const row of claimed) {
        try {
          await this.publishRow(row)
          published.push(row.id)
        } catch (error) {
          failure = error
          break
        }
      }
      if (published.length) await this.markPublished(trx, published)
      if (failure !== undefined) {
        const failed = claimed[published.length]
        await trx.rawQuery(
          `UPDATE outbox_messages SET attempts = attempts + 1, last_error = ? WHERE id = ?`,
          [String((failure as Error).message ?? failure).slice(0, 1000), failed.id]
        )
        outboxMetrics.publishFailures.inc()
      }
      return published.length
    })
  }

  protected publishRow(row: OutboxRow) {
    return this.publisher.publish(row.exchange, row.routing_key, row.payload, {
      messageId: row.message_id,
      timestamp: row.created_at,
      headers: row.headers,
      ...(row.expiration_ms === null ? {} : { expiration: row.expiration_ms }),
    })
  }

  protected async markPublished(
    client: Pick<TransactionClientContract, 'rawQuery'>,
    ids: string[]
  ) {
    await client.rawQuery(
      `UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1
        WHERE id = ANY(?::bigint[]) AND published_at IS NULL`,
      [`{${ids.join(',')}}`]
    )
    outboxMetrics.published.inc(ids.length)
  }
}
