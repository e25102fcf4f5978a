import { createHmac, timingSafeEqual } from 'node:crypto'
import type { ModelQueryBuilderContract, LucidModel } from '@adonisjs/lucid/types/model'
import appConfig from '#config/cursor'
import { fieldError } from '#exceptions/validation_error'
import { isUuid } from '#domain/ids'

/*
 * Cursor pagination shared by every list: newest first, keyset on
 * (created_at, id). The cursor is opaque to clients: the id of the last row
 * of the previous page, signed so a tampered cursor is refused (422) instead
 * of silently paging from somewhere else.
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

function sign(payload: string) {
  return createHmac('sha256', appConfig.secret).update(payload).digest('base64url').slice(0, 22)
}

export function encodeCursor(id: string): string {
  const payload = Buffer.from(id, 'utf8').toString('base64url')
  return `${payload}.${sign(payload)}`
}

export function decodeCursor(cursor: string): string {
  const [payload, signature, extra] = cursor.split('.')
  const given = Buffer.from(signature ?? '', 'utf8')
  const expected = Buffer.from(payload ? sign(payload) : '', 'utf8')
  // Lengths compared in bytes: timingSafeEqual throws on buffers of different lengths.
  const signed =
    extra === undefined &&
    expected.length > 0 &&
    given.length === expected.length &&
    timingSafeEqual(given, expected)
  const id = signed ? Buffer.from(payload, 'base64url').toString('utf8') : ''
  // Only ids we issued are signed; the check keeps a malformed one from reaching a uuid cast.
  if (!isUuid(id)) throw fieldError('cursor', 'cursor', 'The cursor is not one this API issued')
  return id
}

/* The keyset condition: rows of `table` after the cursor's row (bound to `?`), newest first. */
export function afterCursorSql(table: string) {
  return `(${table}.created_at, ${table}.id) < (SELECT c.created_at, c.id FROM ${table} c WHERE c.id = ?::uuid)`
}

/* The page out of the `limit + 1` rows fetched, and the cursor of the next page if one follows. */
export function pageOf<Row extends { id: string }>(
  rows: Row[],
  limit: number
): { rows: Row[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null }
  const pageRows = rows.slice(0, limit)
  return { rows: pageRows, nextCursor: encodeCursor(pageRows[limit - 1].id) }
}

/*
 * Applies the keyset condition and order to a model query and fetches one row
 * more than the page to know whether another page follows.
 */
export async function paginate<Model extends LucidModel>(
  query: ModelQueryBuilderContract<Model>,
  request: PageRequest,
  table: string
): Promise<{ rows: InstanceType<Model>[]; nextCursor: string | null }> {
  if (request.cursor) query.whereRaw(afterCursorSql(table), [decodeCursor(request.cursor)])
  const rows = (await query
    .orderBy(`${table}.created_at`, 'desc')
    .orderBy(`${table}.id`, 'desc')
    .limit(request.limit + 1)) as (InstanceType<Model> & { id: string })[]
  return pageOf(rows, request.limit)
}
