import type { PayoutRecord, PayoutView } from '#domain/records'
import type { PayoutStatus } from '#domain/payout_state'
import type { RawBindings } from '#infrastructure/database/bindings'
import type { SqlClient, Transaction } from '#infrastructure/database/direct'
import { instant, NOW_MS } from '#infrastructure/database/clock'
import { entryCte, type EntryInput } from '#infrastructure/ledger/ledger'
import {
  outboxInsertSql,
  outboxRowsFromJson,
  type OutboxRow,
  type OutgoingMessage,
} from '#infrastructure/outbox/outbox'

/*
 * The only module that writes `payouts` and `payout_events`. Every write to
 * one payout "if it is still in status X" finds the row by primary key and
 * checks the status on it (ONE_PAYOUT_IN_STATUS; why: docs/adr/0006).
 */
export const ONE_PAYOUT_IN_STATUS = 'id = ? AND (status = ?) IS TRUE'

/* The scheduled next step is taken (or moot): the payout waits for nothing. */
const CLEAR_NEXT_STEP = `next_attempt_at = NULL, next_attempt = NULL, next_message_id = NULL`

/* The columns of a PayoutView, for reads that show payouts and nothing else. */
export const PAYOUT_VIEW_COLUMNS = `id, account_id, amount, fee, currency, status, recipient_details,
  comment, attempts, failure_code, failure_message, provider_reference, created_at, updated_at,
  completed_at`

/* A `payouts` row, or its PAYOUT_VIEW_COLUMNS, as what the API shows. */
export function payoutViewFromRow(row: Record<string, any>): PayoutView {
  return {
    id: row.id,
    accountId: row.account_id,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    currency: row.currency,
    status: row.status,
    recipientDetails: row.recipient_details,
    comment: row.comment,
    attempts: row.attempts,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    providerReference: row.provider_reference,
    createdAt: instant(row.created_at)!,
    updatedAt: instant(row.updated_at)!,
    completedAt: instant(row.completed_at),
  }
}

/* A `payouts` row as the stores return it. */
export function payoutFromRow(row: Record<string, any>): PayoutRecord {
  return {
    ...payoutViewFromRow(row),
    awaitingProviderSince: instant(row.awaiting_provider_since),
    nextAttemptAt: instant(row.next_attempt_at),
    nextMessageId: row.next_message_id ?? null,
  }
}

export interface NewPayout {
  payout: PayoutRecord
  createdBy: string
  /* The hold of amount + fee on the account. */
  hold: EntryInput
  /* Finished messages written with it (payout.created, payout.process). */
  messages: OutgoingMessage[]
  /* The creating operation's trace context, continued by the provider's webhook. */
  traceparent?: string
}

/*
 * Holds the funds, writes the payout, its `created` event and its messages,
 * all in ONE statement (atomic on its own). Null when the balance does not
 * cover the hold: then nothing is written.
 */
export async function insertPayout(
  trx: Transaction,
  created: NewPayout
): Promise<{ payout: PayoutRecord; outboxRows: OutboxRow[] } | null> {
  const { payout } = created
  const ledger = entryCte(created.hold)
  const messages = outboxInsertSql(created.messages, { source: 'payout' })
  const result = await trx.rawQuery(
    `WITH ${ledger.sql}, payout AS (
       INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, comment,
                            created_by, created_at, updated_at, traceparent)
       SELECT ?, entry.account_id, ?::bigint, ?::bigint, ?, ?, ?, ?, ?, ?, ? FROM entry
       RETURNING id
     ), event AS (
       INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details, created_at)
       SELECT payout.id, 'created', NULL, 'NEW', ?, '{}'::jsonb, ? FROM payout
     ), messages AS (${messages.sql})
     SELECT (SELECT json_agg(messages) FROM messages) AS outbox_rows FROM payout`,
    [
      ...ledger.bindings,
      payout.id,
      payout.amount.toString(),
      payout.fee.toString(),
      payout.currency,
      payout.recipientDetails,
      payout.comment,
      created.createdBy,
      payout.createdAt,
      payout.updatedAt,
      created.traceparent ?? null,
      created.createdBy,
      payout.createdAt,
      ...messages.bindings,
    ] as RawBindings
  )
  const row = result.rows[0]
  if (!row) return null
  return { payout, outboxRows: outboxRowsFromJson(row.outbox_rows ?? []) }
}

export interface StatusChange {
  failureCode?: string | null
  failureMessage?: string | null
  providerReference?: string | null
  /* Counts one more provider attempt, made for this payout.process message. */
  countAttempt?: boolean
  attemptMessageId?: string
}

/* `from` → `to` if the payout is still in `from`; null when someone else moved it first. */
export async function changeStatus(
  trx: Transaction,
  payoutId: string,
  from: PayoutStatus,
  to: PayoutStatus,
  change: StatusChange
): Promise<PayoutRecord | null> {
  const sets = [
    `status = ?`,
    `updated_at = ${NOW_MS}`,
    // Waiting on the provider belongs to one PROCESSING spell; any move ends it.
    `awaiting_provider_since = NULL`,
    // So does a scheduled next step: the move is that step, or makes it moot.
    CLEAR_NEXT_STEP,
  ]
  const bindings: (string | number | null)[] = [to]
  if (to === 'COMPLETED') sets.push(`completed_at = ${NOW_MS}`)
  if (to === 'PROCESSING' && from === 'FAILED') {
    // An operator's replay: a fresh retry budget; the timeline keeps the earlier attempts.
    sets.push('failure_code = NULL', 'failure_message = NULL', 'attempts = 0')
  }
  if (change.countAttempt) sets.push('attempts = attempts + 1')
  for (const [column, value] of [
    ['failure_code', change.failureCode],
    ['failure_message', change.failureMessage],
    ['provider_reference', change.providerReference],
    ['attempt_message_id', change.attemptMessageId],
  ] as const) {
    if (value !== undefined) {
      sets.push(`${column} = ?`)
      bindings.push(value)
    }
  }
  const result = await trx.rawQuery(
    `UPDATE payouts SET ${sets.join(', ')} WHERE ${ONE_PAYOUT_IN_STATUS} RETURNING *`,
    [...bindings, payoutId, from] as RawBindings
  )
  return result.rows[0] ? payoutFromRow(result.rows[0]) : null
}

/* Comment and/or recipient details of a payout that is still NEW; null otherwise. */
export async function editNewPayout(
  trx: Transaction,
  payoutId: string,
  changes: { comment?: string | null; recipientDetails?: string }
): Promise<PayoutRecord | null> {
  const sets: string[] = [`updated_at = ${NOW_MS}`]
  const values: (string | null)[] = []
  if (changes.comment !== undefined) {
    sets.push('comment = ?')
    values.push(changes.comment)
  }
  if (changes.recipientDetails !== undefined) {
    sets.push('recipient_details = ?')
    values.push(changes.recipientDetails)
  }
  const result = await trx.rawQuery(
    `UPDATE payouts SET ${sets.join(', ')} WHERE ${ONE_PAYOUT_IN_STATUS} RETURNING *`,
    [...values, payoutId, 'NEW'] as RawBindings
  )
  return result.rows[0] ? payoutFromRow(result.rows[0]) : null
}

/* The payout, locked for the rest of `trx` (FOR UPDATE). */
export async function lockPayout(trx: Transaction, payoutId: string) {
  const result = await trx.rawQuery(`SELECT * FROM payouts WHERE id = ? FOR UPDATE`, [payoutId])
  return result.rows[0] ? payoutFromRow(result.rows[0]) : null
}

export async function findPayout(client: SqlClient, payoutId: string) {
  const result = await client.rawQuery(`SELECT * FROM payouts WHERE id = ?`, [payoutId])
  return result.rows[0] ? payoutFromRow(result.rows[0]) : null
}

/*
 * Another attempt for a payout already PROCESSING: counted unless it is the
 * redelivery (or a concurrent duplicate) of the current attempt's message.
 * It is the scheduled step, so the schedule is cleared.
 */
export async function startNextAttempt(trx: Transaction, payoutId: string, messageId: string) {
  const result = await trx.rawQuery(
    `UPDATE payouts
        SET attempts = attempts + CASE WHEN attempt_message_id IS DISTINCT FROM ? THEN 1 ELSE 0 END,
            attempt_message_id = ?,
            ${CLEAR_NEXT_STEP},
            updated_at = ${NOW_MS}
      WHERE id = ? RETURNING *`,
    [messageId, messageId, payoutId]
  )
  return payoutFromRow(result.rows[0])
}

/* A status check of an accepted payout starts: not an attempt, but the scheduled step. */
export async function startStatusCheck(trx: Transaction, payoutId: string) {
  const result = await trx.rawQuery(
    `UPDATE payouts SET ${CLEAR_NEXT_STEP}, updated_at = ${NOW_MS} WHERE id = ? RETURNING *`,
    [payoutId]
  )
  return payoutFromRow(result.rows[0])
}

export interface NextStep {
  /* When the step is due (the delay queue releases its message then). */
  at: Date
  /* The attempt it is for (a status check repeats the current attempt's number). */
  attempt: number
  /*
   * The message that is to take it; any other one finds the payout
   * superseded. Null for the sweeper's lease while it asks the provider.
   */
  messageId: string | null
}

/*
 * Records when an open payout (NEW or PROCESSING) should move next and by
 * which message, in the transaction that stages that message. False when the
 * payout is no longer open.
 */
export async function scheduleNextStep(trx: Transaction, payoutId: string, step: NextStep) {
  const result = await trx.rawQuery(
    `UPDATE payouts
        SET next_attempt_at = ?, next_attempt = ?, next_message_id = ?, updated_at = ${NOW_MS}
      WHERE id = ? AND status IN ('NEW', 'PROCESSING')
      RETURNING id`,
    [step.at, step.attempt, step.messageId, payoutId] as RawBindings
  )
  return result.rows.length > 0
}

/* The provider accepted the payout as pending: false when it is no longer PROCESSING. */
export async function markAwaitingProvider(
  trx: Transaction,
  payoutId: string,
  providerReference: string
) {
  const accepted = await trx.rawQuery(
    `UPDATE payouts
        SET awaiting_provider_since = ${NOW_MS}, provider_reference = ?, updated_at = ${NOW_MS}
      WHERE ${ONE_PAYOUT_IN_STATUS}
      RETURNING id`,
    [providerReference, payoutId, 'PROCESSING']
  )
  return accepted.rows.length > 0
}

/* One timeline event: a status move or another fact (an edit, a provider answer…). */
export async function recordPayoutEvent(
  trx: Transaction,
  event: {
    payoutId: string
    type: string
    actor: string
    details?: Record<string, unknown>
    fromStatus?: PayoutStatus | null
    toStatus?: PayoutStatus | null
  }
) {
  await trx.rawQuery(
    `INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
     VALUES (?, ?, ?, ?, ?, ?::jsonb)`,
    [
      event.payoutId,
      event.type,
      event.fromStatus ?? null,
      event.toStatus ?? null,
      event.actor,
      JSON.stringify(event.details ?? {}),
    ] as RawBindings
  )
}
