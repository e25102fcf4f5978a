import db from '@adonisjs/lucid/services/db'
import type pg from 'pg'
import type { RawBindings } from '#infrastructure/database/bindings'

/* What the hot paths need of a database client; Lucid's clients have it too. */
export interface SqlClient {
  rawQuery(
    sql: string,
    bindings?: RawBindings
  ): PromiseLike<{ rows: any[]; rowCount?: number | null }>
}

/* A transaction as the hot paths use it; Lucid's transaction clients have it too. */
export interface SqlTransaction extends SqlClient {
  /* Runs `handler` once the transaction has committed (never after a rollback). */
  after(event: 'commit', handler: () => void): void
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

/*
 * Hot-path statements are named, so each pooled connection parses and plans
 * one once and afterwards only binds and executes it: planning was about
 * half of PostgreSQL's CPU on these statements (pgbench -M prepared against
 * -M extended: 2.1x deposits, 2x payout creates, 3.3x balance-at). Names are
 * handed out per statement text; past MAX_NAMED texts (SQL built from
 * varying input) statements run unnamed, as before.
 */
const NAMES = new Map<string, string>()
const MAX_NAMED = 200
let nameSequence = 0
const newName = () => `hot_${++nameSequence}`

function statementName(text: string) {
  let name = NAMES.get(text)
  if (name === undefined && NAMES.size < MAX_NAMED) NAMES.set(text, (name = newName()))
  return name
}

/*
 * PostgreSQL refuses to run a prepared statement whose result columns
 * changed since it was prepared ("cached plan must not change result type"),
 * e.g. a `RETURNING *` after a migration added a column while this process
 * ran. The statement then gets a new name, so every connection prepares it
 * afresh, and the caller may run it again.
 */
export function isStalePlan(error: unknown) {
  return (
    (error as { code?: string })?.code === '0A000' &&
    /cached plan must not change result type/.test(String((error as Error).message))
  )
}

/* One statement with Lucid-style `?` bindings on a pooled connection, as a named statement. */
async function run(connection: pg.Client, sql: string, bindings: RawBindings = []) {
  const text = numberedPlaceholders(sql)
  const values = bindings as unknown[]
  const name = statementName(text)
  if (name === undefined) return connection.query(text, values)
  try {
    return await connection.query({ name, text, values })
  } catch (error) {
    if (isStalePlan(error)) NAMES.set(text, newName())
    throw error
  }
}

function pool(): PooledClient {
  return (db.connection().getWriteClient() as unknown as { client: PooledClient }).client
}

/* True while a test wraps everything in Lucid's global transaction: go through Lucid then. */
export function inGlobalTransaction() {
  return db.connectionGlobalTransactions.size > 0
}

/*
 * Runs one statement on a connection of Lucid's own pool, without Lucid's and
 * knex's query machinery. For the request hot paths only, where that
 * machinery costs more CPU than PostgreSQL spends on the statement. A single
 * statement is its own transaction; the pool, its size and its connection
 * checks are the same as for every other query.
 */
export const direct = {
  async rawQuery(
    sql: string,
    bindings: RawBindings = []
  ): Promise<{ rows: any[]; rowCount?: number | null }> {
    if (inGlobalTransaction()) return db.rawQuery(sql, bindings)
    const connections = pool()
    const connection = await connections.acquireConnection()
    try {
      return await run(connection, sql, bindings).catch((error: unknown) => {
        // Alone, the statement was its own transaction: run it again under its new name.
        if (isStalePlan(error)) return run(connection, sql, bindings)
        throw error
      })
    } finally {
      void connections.releaseConnection(connection)
    }
  },

  /*
   * BEGIN, `work`, COMMIT on one pooled connection (ROLLBACK when `work`
   * throws), then the after-commit handlers. A transaction rolled back on a
   * stale prepared statement (see isStalePlan) runs once more, so `work`
   * must keep every effect outside the database for after-commit handlers.
   */
  async transaction<T>(work: (trx: SqlTransaction) => Promise<T>): Promise<T> {
    if (inGlobalTransaction()) return db.transaction((trx) => work(trx))
    try {
      return await transactionOnce(work)
    } catch (error) {
      // Rolled back, so nothing happened: once more, with the statement prepared afresh.
      if (isStalePlan(error)) return transactionOnce(work)
      throw error
    }
  },
}

/* One BEGIN … COMMIT of direct.transaction. A connection whose ROLLBACK fails is marked so
 * the pool discards it instead of handing out a connection stuck in an aborted transaction. */
async function transactionOnce<T>(work: (trx: SqlTransaction) => Promise<T>): Promise<T> {
  const connections = pool()
  const connection = await connections.acquireConnection()
  const afterCommit: (() => void)[] = []
  let result: T
  try {
    await connection.query('BEGIN')
    result = await work({
      rawQuery: (sql, bindings) => run(connection, sql, bindings),
      after: (_event, handler) => afterCommit.push(handler),
    })
    await connection.query('COMMIT')
  } catch (error) {
    await connection.query('ROLLBACK').catch((failure: unknown) => {
      ;(connection as pg.Client & { __knex__disposed?: unknown }).__knex__disposed = failure
    })
    throw error
  } finally {
    void connections.releaseConnection(connection)
  }
  for (const handler of afterCommit) handler()
  return result
}
