import db from '@adonisjs/lucid/services/db'
import type Account from '#models/account'
import { truncate } from '#tests/helpers'

/* The money tables, emptied before tests that count rows across the whole table. */
export function truncateMoney() {
  return truncate('payout_events', 'payouts', 'transactions', 'accounts', 'outbox_messages')
}

const STATUSES = ['NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED']

/*
 * `count` payouts written straight into the table (the list and the export
 * read rows; how they got there does not matter): statuses in turn, amounts
 * 10.01, 10.02 …, recipient `bulk recipient <n>`, and `sameInstant` rows at a
 * time in a row so the keyset tie-breaker on id is exercised.
 */
export async function insertPayouts(
  account: Account,
  count: number,
  options: { sameInstant?: number; startAt?: Date } = {}
) {
  const start = options.startAt ?? new Date('2026-01-01T00:00:00Z')
  await db.rawQuery(
    `INSERT INTO payouts (id, account_id, amount, fee, currency, status, recipient_details, comment, created_at, updated_at)
     SELECT gen_random_uuid(), ?, 1000 + g, 20, ?, (?::text[])[1 + g % 5], 'bulk recipient ' || g, 'bulk comment ' || g,
            ?::timestamptz + ((g / ?::int) * interval '1 second'), ?::timestamptz
       FROM generate_series(1, ?::int) AS g`,
    [
      account.id,
      account.currency,
      `{${STATUSES.join(',')}}`,
      start.toISOString(),
      options.sameInstant ?? 1,
      start.toISOString(),
      count,
    ]
  )
}

/* Minimal RFC 4180 reader for the exports: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      } else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') quoted = true
    else if (char === ',') {
      row.push(field)
      field = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += char
  }
  if (field || row.length) rows.push([...row, field])
  return rows
}
