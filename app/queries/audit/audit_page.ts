import { pipeline, Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import { direct } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'
import { userActor } from '#domain/actors'
import { isUuid } from '#domain/ids'

export interface AuditFilter {
  /* An email, a user id or an actor as recorded (`cli:root`). */
  actor?: string
  /* An exact action (`payout.cancel`) or its area (`payout`). */
  action?: string
  targetType?: string
  targetId?: string
  via?: string
  from?: Date
  to?: Date
}

export interface AuditRow {
  id: string
  created_at: Date
  actor: string
  actor_email: string | null
  role: string | null
  via: string
  action: string
  target_type: string
  target_id: string
  request_id: string | null
  ip: string | null
  changes: Record<string, { before?: unknown; after?: unknown }>
}

/* The actor as recorded: an email is looked up once; a user id becomes `user:<id>`. */
async function actorOf(input: string) {
  if (isUuid(input)) return userActor(input.toLowerCase())
  if (!input.includes('@')) return input
  const found = await direct.rawQuery(`SELECT id FROM users WHERE lower(email) = lower(?)`, [input])
  return found.rows[0] ? userActor(found.rows[0].id) : `unknown:${input}`
}

/*
 * WHERE of the filter. Every condition has an index that serves it in id
 * order (actor, action, target), so a page reads about `limit` rows.
 */
async function whereOf(filter: AuditFilter, beforeId?: string) {
  const conditions: string[] = []
  const values: unknown[] = []
  const add = (sql: string, ...bound: unknown[]) => {
    conditions.push(sql)
    values.push(...bound)
  }
  if (filter.actor) add('actor = ?', await actorOf(filter.actor))
  if (filter.action?.includes('.')) add('action = ?', filter.action)
  else if (filter.action) add(`action LIKE ? || '.%'`, filter.action)
  if (filter.targetType) add('target_type = ?', filter.targetType)
  if (filter.targetId) add('target_id = ?', filter.targetId.toLowerCase())
  if (filter.via) add('via = ?', filter.via)
  if (filter.from) add('created_at >= ?', filter.from)
  if (filter.to) add('created_at < ?', filter.to)
  if (beforeId) add('id < ?', beforeId)
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', values }
}

const COLUMNS = `id::text, created_at, actor, actor_email, role, via, action, target_type,
  target_id, request_id, ip, changes`

/* One page of the audit log, newest first, continuing below `before` (an id). */
export async function auditPage(filter: AuditFilter, page: { limit: number; before?: string }) {
  const where = await whereOf(filter, page.before)
  const result = await direct.rawQuery(
    `SELECT ${COLUMNS} FROM audit_log ${where.sql} ORDER BY audit_log.id DESC LIMIT ?`,
    [...where.values, page.limit + 1] as RawBindings
  )
  const rows = result.rows as AuditRow[]
  const more = rows.length > page.limit
  const shown = rows.slice(0, page.limit)
  return { rows: shown, nextBefore: more ? shown[shown.length - 1].id : null }
}

/* What changed, as one line: `status: NEW → CANCELED; comment: a → b`. */
export function changesText(changes: AuditRow['changes']) {
  const text = (value: unknown) =>
    value === undefined ? '∅' : value === null ? 'null' : String(value)
  return Object.entries(changes)
    .map(([field, change]) =>
      'before' in change
        ? `${field}: ${text(change.before)} → ${text(change.after)}`
        : `${field}: ${text(change.after)}`
    )
    .join('; ')
}

export const AUDIT_CSV_COLUMNS = [
  'id',
  'created_at',
  'actor',
  'actor_email',
  'role',
  'via',
  'action',
  'target_type',
  'target_id',
  'request_id',
  'ip',
  'changes',
] as const

/* Every entry matching the filter as CSV, newest first, in batches by id (memory stays flat). */
export function exportAudit(filter: AuditFilter, batchSize = 1000): Readable {
  const csv = stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS], escape_formulas: true })
  async function* records() {
    let before: string | undefined
    while (true) {
      const page = await auditPage(filter, { limit: batchSize, before })
      for (const row of page.rows) {
        yield {
          ...row,
          created_at: row.created_at.toISOString(),
          changes: JSON.stringify(row.changes),
        }
      }
      if (!page.nextBefore) return
      before = page.nextBefore
    }
  }
  pipeline(Readable.from(records()), csv, () => {})
  return csv
}
