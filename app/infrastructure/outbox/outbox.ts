import { randomUUID } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import { direct, type SqlClient, type Transaction } from '#infrastructure/database/direct'
import { outboxMetrics } from '#infrastructure/outbox/metrics'
import { instant } from '#infrastructure/database/clock'
import { withTraceparent } from '#infrastructure/tracing/spans'

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

/* How long confirmed ids wait to be marked published together. */
const MARK_DELAY_MS = 20

export interface OutboxRow {
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
  #pendingMarks: string[] = []
  #markTimer?: NodeJS.Timeout
  /* After-commit publishes not yet confirmed, so close() can wait for them. */
  #inFlight = new Set<Promise<void>>()
  #closed = false

  constructor(private publisher: ConfirmedPublisher) {}

  /* Writes the messages inside `trx` and publishes them once it commits. */
  async stage(trx: Transaction, messages: OutgoingMessage[]) {
    if (messages.length === 0) return
    const insert = outboxInsertSql(messages)
    const result = await trx.rawQuery(insert.sql, insert.bindings)
    this.publishAfterCommit(trx, result.rows as OutboxRow[])
  }

  /* Publishes rows written inside `trx` (by stage, or an outboxInsertSql of the caller's) once it commits. */
  publishAfterCommit(trx: Transaction, rows: OutboxRow[]) {
    trx.after('commit', () => {
      const publishing = this.publishStaged(rows).catch((error) => {
        logger.warn(
          { err: error, outbox_ids: rows.map((row) => row.id) },
          'after-commit publish failed; relay will retry'
        )
      })
      this.#inFlight.add(publishing)
      void publishing.finally(() => this.#inFlight.delete(publishing))
    })
  }

  /*
   * The fast path right after commit: the rows are still in memory, so they
   * are published without reading them back; the rows are then marked
   * published in batches (see #queueMarks). The relay only takes rows older
   * than a few seconds, so it does not race this; if it ever did, or a crash
   * lost a pending mark, the message would go out twice with the same
   * message_id, which every consumer deduplicates.
   */
  protected async publishStaged(rows: OutboxRow[]) {
    for (const row of rows) await this.publishRow(row)
    this.#queueMarks(rows.map((row) => row.id))
  }

  /*
   * Confirmed ids wait up to MARK_DELAY_MS and are marked in one UPDATE: one
   * statement for every message published in that window instead of one per
   * request. flushMarks() writes what is pending (on shutdown, in tests).
   */
  #queueMarks(ids: string[]) {
    this.#pendingMarks.push(...ids)
    // Once closed, the database may be gone: the relay marks (and resends) these.
    if (this.#markTimer || this.#closed) return
    this.#markTimer = setTimeout(() => void this.flushMarks(), MARK_DELAY_MS)
    this.#markTimer.unref()
  }

  async flushMarks() {
    clearTimeout(this.#markTimer)
    this.#markTimer = undefined
    const ids = this.#pendingMarks.splice(0)
    if (ids.length === 0) return
    try {
      await this.markPublished(direct, ids)
    } catch (error) {
      // Left unpublished in the table: the relay publishes them again (same message_id).
      logger.warn({ err: error, outbox_ids: ids }, 'marking outbox rows published failed')
    }
  }

  /*
   * On shutdown, before the database closes: waits for the after-commit
   * publishes still awaiting their confirms (each bounded by the broker's
   * publish timeout), then marks every confirmed row in one last UPDATE.
   * Nothing is written after this; a publish confirmed later leaves its row
   * for the relay. Without it, a mark queued after the database closed waited
   * for a pool connection (a minute) and held the process open.
   */
  async close() {
    this.#closed = true
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
    await this.flushMarks()
  }

  /* One relay pass: publishes up to `batchSize` rows a crash or an outage left behind. */
  async relayOnce(batchSize = 100, minAgeMs = 0) {
    return direct.transaction(async (trx) => {
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

  protected async markPublished(client: SqlClient, ids: string[]) {
    await client.rawQuery(
      `UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1
        WHERE id = ANY(?::bigint[]) AND published_at IS NULL`,
      [`{${ids.join(',')}}`]
    )
    outboxMetrics.published.inc(ids.length)
  }
}

const RETURNED = `id, message_id, exchange, routing_key, payload, headers, expiration_ms, created_at`

/*
 * The INSERT of finished messages, alone or as a data-modifying CTE of the
 * caller's own statement (then one message row per row of `source`, none when
 * the change wrote nothing; `merge`, an SQL jsonb expression over `source`,
 * adds the fields only the database knows, see docs/adr/0008). It returns the
 * rows as written: hand them to publishAfterCommit (a CTE's rows come back as
 * JSON, so `outboxRowsFromJson` first).
 */
export function outboxInsertSql(
  messages: OutgoingMessage[],
  from?: { source: string; merge?: string }
) {
  const payload = from?.merge ? `m.payload || ${from.merge}` : 'm.payload'
  return {
    sql: `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, expiration_ms)
          SELECT m.message_id, m.exchange, m.routing_key, ${payload}, m.headers, m.expiration_ms
            FROM ${from ? `${from.source}, ` : ''}ROWS FROM (jsonb_to_recordset(?::jsonb) AS (
                   message_id text, exchange text, routing_key text, payload jsonb,
                   headers jsonb, expiration_ms integer)) WITH ORDINALITY
                   AS m(message_id, exchange, routing_key, payload, headers, expiration_ms, n)
           ORDER BY m.n
          RETURNING ${RETURNED}`,
    bindings: [
      JSON.stringify(
        messages.map((message) => ({
          message_id: message.messageId ?? randomUUID(),
          exchange: message.exchange,
          routing_key: message.routingKey,
          payload: message.payload,
          headers: withTraceparent(message.headers),
          expiration_ms: message.expirationMs ?? null,
        }))
      ),
    ],
  }
}

/* Rows that a CTE returned through json_agg: the timestamp comes back as text. */
export function outboxRowsFromJson(
  rows: (Omit<OutboxRow, 'created_at'> & { created_at: string })[]
) {
  return rows.map((row) => ({ ...row, id: String(row.id), created_at: instant(row.created_at)! }))
}
