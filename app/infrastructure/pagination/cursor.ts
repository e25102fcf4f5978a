import { createHmac, timingSafeEqual } from 'node:crypto'
import vine from '@vinejs/vine'
import type { ModelQueryBuilderContract, LucidModel } from '@adonisjs/lucid/types/model'
import appConfig from '#config/cursor'
import { fieldError } from '#exceptions/validation_error'

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

export const pageParams = {
  limit: vine.number().withoutDecimals().min(1).max(100).optional(),
  cursor: vine.string().maxLength(512).optional(),
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
  const expected = payload ? sign(payload) : ''
  const valid =
    extra === undefined &&
    signature !== undefined &&
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  if (!valid) {
    throw fieldError('cursor', 'cursor', 'The cursor is not one this API issued')
  }
  return Buffer.from(payload, 'base64url').toString('utf8')
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
  const limit = request.limit
  if (request.cursor) {
    const afterId = decodeCursor(request.cursor)
    query.whereRaw(
      `(${table}.created_at, ${table}.id) < (SELECT c.created_at, c.id FROM ${table} c WHERE c.id = ?::uuid)`,
      [afterId]
    )
  }
  const rows = (await query
    .orderBy(`${table}.created_at`, 'desc')
    .orderBy(`${table}.id`, 'desc')
    .limit(limit + 1)) as InstanceType<Model>[]
  const hasMore = rows.length > limit
  const pageRows = hasMore ? rows.slice(0, limit) : rows
  const last = pageRows[pageRows.length - 1] as { id: string } | undefined
  return { rows: pageRows, nextCursor: hasMore && last ? encodeCursor(last.id) : null }
}
