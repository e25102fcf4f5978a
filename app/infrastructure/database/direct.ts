import db from '@adonisjs/lucid/services/db'
import type pg from 'pg'
import type { RawBindings } from '#infrastructure/database/bindings'

/* What the hot paths need of a database client; Lucid's clients have it too. */
export interface SqlClient {
  rawQuery(sql: string, bindings?: RawBindings): PromiseLike<{ rows: any[] }>
}

interface PooledClient {
  acquireConnection(): Promise<pg.Client>
  releaseConnection(connection: pg.Client): Promise<void>
}

const PLACEHOLDERS = new Map<string, string>()
const MAX_PLACEHOLDER_ENTRIES = 500

/*
 * Lucid's `?` placeholders as PostgreSQL's `$n`, outside quoted literals and
 * identifiers. Hot-path SQL is a handful of fixed strings, so the result is
 * cached.
 */
export function numberedPlaceholders(sql: string): string {
  const cached = PLACEHOLDERS.get(sql)
  if (cached !== undefined) return cached
  let out = ''
  let n = 0
  let quote: string | null = null
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = null
    } else if (char === "'" || char === '"') {
      quote = char
    } else if (char === '?') {
      out += `$${++n}`
      continue
    }
    out += char
  }
  if (PLACEHOLDERS.size >= MAX_PLACEHOLDER_ENTRIES) PLACEHOLDERS.clear()
  PLACEHOLDERS.set(sql, out)
  return out
}

function pool(): PooledClient {
  return (db.connection().getWriteClient() as unknown as { client: PooledClient }).client
}

/* True while a test wraps everything in Lucid's global transaction: go through Lucid then. */
function inGlobalTransaction() {
  return db.connectionGlobalTransactions.size > 0
}

/*
 * Runs one statement on a connection of Lucid's own pool, without Lucid's and
 * knex's query machinery. For the request hot paths only, where that
 * machinery costs more CPU than PostgreSQL spends on the statement. A single
 * statement is its own transaction; the pool, its size and its connection
 * checks are the same as for every other query.
 */
export const direct: SqlClient = {
  async rawQuery(sql, bindings = []) {
    if (inGlobalTransaction()) return db.rawQuery(sql, bindings)
    const connections = pool()
    const connection = await connections.acquireConnection()
    try {
      return await connection.query(numberedPlaceholders(sql), bindings as unknown[])
    } finally {
      void connections.releaseConnection(connection)
    }
  },
}
