import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ModelQueryBuilderContract, LucidModel } from '@adonisjs/lucid/types/model'
import appConfig from '#config/cursor'
import { fieldError } from '#exceptions/validation_error'
import { isUuid } from '#domain/ids'

/*
 * Cursor pagination shared by every list: newest first, keyset on
 * (created_at, id). The cursor is opaque to clients: the id of the last row
 * of the previous page, signed together with the list and its filters, so a
 * tampered cursor, or one from another list or filter, is refused (422)
 * instead of silently paging from somewhere else.
 */
export interface PageRequest {
  limit: number
  cursor?: string
}

export interface Page<T> {
  data: T[]
  meta: { next_cursor: string | null }
}

/* The contract's default `limit`. */
export const DEFAULT_PAGE_SIZE = 25

export function pageRequest(input: { limit?: number; cursor?: string }): PageRequest {
  return { limit: input.limit ?? DEFAULT_PAGE_SIZE, cursor: input.cursor }
}

/* The contract's list envelope: `{data: [...], meta: {next_cursor}}`. */
export function listJson<Row, Item>(
  page: { rows: Row[]; nextCursor: string | null },
  render: (row: Row) => Item
): Page<Item> {
  return { data: page.rows.map(render), meta: { next_cursor: page.nextCursor } }
}

/*
 * The list and filters a cursor belongs to, as text: keys sorted, dates as
 * ISO, unset filters left out. A cursor signed for one scope is refused in
 * any other, so it cannot page another list or the same list filtered differently.
 */
export function cursorScope(list: string, filters: object): string {
  const set = Object.entries(filters)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : String(value)])
  return `${list}?${JSON.stringify(set)}`
}

function sign(payload: string, scope: string) {
  return createHmac('sha256', appConfig.secret)
    .update(`${scope}\n${payload}`)
    .digest('base64url')
    .slice(0, 22)
}

export function encodeCursor(id: string, scope: string): string {
  const payload = Buffer.from(id, 'utf8').toString('base64url')
  return `${payload}.${sign(payload, scope)}`
}

/* The row id in a cursor issued for `scope`; a 422 for anything else. */
export function decodeCursor(cursor: string, scope: string): string {
  const [payload, signature, extra] = cursor.split('.')
  const given = Buffer.from(signature ?? '', 'utf8')
  const expected = Buffer.from(payload ? sign(payload, scope) : '', 'utf8')
  // Lengths compared in bytes: timingSafeEqual throws on buffers of different lengths.
  const signed =
    extra === undefined &&
    expected.length > 0 &&
    given.length === expected.length &&
    timingSafeEqual(given, expected)
  const id = signed ? Buffer.from(payload, 'base64url').toString('utf8') : ''
  // Only ids we issued are signed; the check keeps a malformed one from reaching a uuid cast.
  if (!isUuid(id)) {
    throw fieldError('cursor', 'cursor', 'The cursor is not one this list issued for these filters')
  }
  return id
}

/* The keyset condition: rows of `table` after the cursor's row (bound to `?`), newest first. */
export function afterCursorSql(table: string) {
  return `(${table}.created_at, ${table}.id) < (SELECT c.created_at, c.id FROM ${table} c WHERE c.id = ?::uuid)`
}

/* The page out of the `limit + 1` rows fetched, and the cursor of the next page if one follows. */
export function pageOf<Row extends { id: string }>(
  rows: Row[],
  limit: number,
  scope: string
): { rows: Row[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null }
  const pageRows = rows.slice(0, limit)
  return { rows: pageRows, nextCursor: encodeCursor(pageRows[limit - 1].id, scope) }
}

/*
 * Applies the keyset condition and order to a model query and fetches one row
 * more than the page to know whether another page follows. `filters` are
 * those the query applies: the cursors are bound to them (cursorScope).
 */
export async function paginate<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model>,
  request: PageRequest,
  table: string,
  filters: object
): Promise<{ rows: InstanceType<Model>[]; nextCursor: string | null }> {
  const scope = cursorScope(table, filters)
  if (request.cursor) query.whereRaw(afterCursorSql(table), [decodeCursor(request.cursor, scope)])
  const rows = (await query
    .orderBy(`${table}.created_at`, 'desc')
    .orderBy(`${table}.id`, 'desc')
    .limit(request.limit + 1)) as (InstanceType<Model> & { id: string })[]
  return pageOf(rows, request.limit, scope)
}
