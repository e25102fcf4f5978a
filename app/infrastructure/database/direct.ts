import db from '@adonisjs/lucid/services/db'
import type { Duplex } from 'node:stream'
import type pg from 'pg'
import type { RawBindings } from '#infrastructure/database/bindings'
import { directTypes } from '#infrastructure/database/type_parsers'
import { unspanned } from '#infrastructure/tracing/spans'

/* What a store needs of a database client: one statement with `?` bindings. */
export interface SqlClient {
  rawQuery(
    sql: string,
    bindings?: RawBindings
  ): PromiseLike<{ rows: any[]; rowCount?: number | null }>
}

/*
 * The one transaction type of the application: every action that writes
 * takes one as its first parameter, and every store writes through it.
 * Effects outside the database (publishing to RabbitMQ, metrics) wait for
 * `after('commit')` and never run after a rollback. See docs/adr/0008.
 */
export interface Transaction extends SqlClient {
  after(event: 'commit', handler: () => void): void
  /*
   * A write whose result nobody reads (an audit row, a seal): it travels to
   * PostgreSQL with the transaction's next statement or with its COMMIT, in
   * the same round trip, and if it fails, that statement or the COMMIT fails.
   */
  defer(sql: string, bindings?: RawBindings): void
}

interface PooledClient {
  acquireConnection(): Promise<pg.Client>
  releaseConnection(connection: pg.Client): Promise<void>
}

const PLACEHOLDERS = new Map<string, string>()
const MAX_PLACEHOLDER_ENTRIES = 500

/*
 * Lucid's `?` placeholders as PostgreSQL's `$n`, outside quoted literals and
 * identifiers; the indentation of multi-line statements goes too (outside
 * quotes), as it only weighs on every trace span that carries the text.
 * Statements are a handful of fixed strings, so the result is cached.
 */
export function numberedPlaceholders(sql: string): string {
  const cached = PLACEHOLDERS.get(sql)
  if (cached !== undefined) return cached
  let out = ''
  let n = 0
  let quote: string | null = null
  let lineStart = false
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = null
    } else if (lineStart && (char === ' ' || char === '\t')) {
      continue
    } else if (char === "'" || char === '"') {
      quote = char
    } else if (char === '?') {
      lineStart = false
      out += `$${++n}`
      continue
    }
    lineStart = !quote && char === '\n'
    out += char
  }
  if (PLACEHOLDERS.size >= MAX_PLACEHOLDER_ENTRIES) PLACEHOLDERS.clear()
  PLACEHOLDERS.set(sql, out)
  return out
}

/*
 * Statements are named, so each pooled connection parses and plans one once
 * and afterwards only binds and executes it (docs/adr/0008). Past MAX_NAMED
 * texts (SQL built from varying input) statements run unnamed.
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

type Statement = pg.QueryConfig & { name?: string }

/* One statement with `?` bindings as pg's query: named (see statementName), with directTypes. */
function statement(sql: string, bindings: RawBindings = []): Statement {
  const text = numberedPlaceholders(sql)
  return { name: statementName(text), text, values: bindings as unknown[], types: directTypes }
}

/* After a stale plan (isStalePlan) the statement's text gets a new name. */
function forgetStalePlan(sent: Statement, error: unknown) {
  if (sent.name !== undefined && isStalePlan(error)) NAMES.set(sent.text, newName())
}

async function run(connection: pg.Client, sent: Statement) {
  try {
    return await connection.query(sent)
  } catch (error) {
    forgetStalePlan(sent, error)
    throw error
  }
}

/*
 * Statements that record no trace span: BEGIN, COMMIT and ROLLBACK (strings),
 * and deferred writes, which PostgreSQL answers together with the COMMIT they
 * travel with, so a span of their own would time nothing. Spans cost the web
 * process CPU per create (npm run bench:tracing); these were four of nine.
 */
const UNSPANNED = new WeakSet<Statement>()

/*
 * Statements in ONE round trip: pg's pipeline mode sends them all at once
 * (a batch of one is just a statement), each with its own Sync, and PostgreSQL
 * answers them in order. Inside
 * a transaction a failed statement aborts it, so the ones behind it fail too
 * and a COMMIT behind it rolls back. Throws the first failure; else returns
 * every result.
 */
async function pipelined(connection: pg.Client, statements: (Statement | string)[]) {
  const client = connection as pg.Client & { pipeline: boolean }
  client.pipeline = true
  // pg writes each statement as it is queued: corked, the batch leaves in one write.
  const { stream } = (connection as unknown as { connection: { stream: Duplex } }).connection
  let settled: PromiseSettledResult<pg.QueryResult>[]
  try {
    let answers: Promise<pg.QueryResult>[]
    stream.cork()
    try {
      answers = statements.map((sent) =>
        typeof sent === 'string' || UNSPANNED.has(sent)
          ? unspanned(() => connection.query(sent))
          : connection.query(sent)
      )
    } finally {
      stream.uncork()
    }
    settled = await Promise.allSettled(answers)
  } finally {
    client.pipeline = false
  }
  const results: pg.QueryResult[] = []
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === 'fulfilled') results.push(outcome.value)
    else {
      const sent = statements[i]
      if (typeof sent !== 'string') forgetStalePlan(sent, outcome.reason)
      throw outcome.reason
    }
  }
  return results
}

function pool(): PooledClient {
  return (db.connection().getWriteClient() as unknown as { client: PooledClient }).client
}

/* A statement alone is its own transaction: after a stale plan it simply runs again. */
async function runAlone(sql: string, bindings: RawBindings = []) {
  const connections = pool()
  const connection = await connections.acquireConnection()
  try {
    return await run(connection, statement(sql, bindings)).catch((error: unknown) => {
      if (isStalePlan(error)) return run(connection, statement(sql, bindings))
      throw error
    })
  } finally {
    void connections.releaseConnection(connection)
  }
}

/*
 * One BEGIN … COMMIT. BEGIN travels with the first statement and deferred
 * writes with the next one or with the COMMIT (see pipelined), so a
 * transaction of n statements read one by one costs n round trips, not n + 2.
 * A connection whose ROLLBACK fails is marked so the pool discards it.
 */
async function transactionOnce<T>(work: (trx: Transaction) => Promise<T>): Promise<T> {
  const connections = pool()
  const connection = await connections.acquireConnection()
  const afterCommit: (() => void)[] = []
  const waiting: (Statement | string)[] = ['BEGIN']
  let sent = false
  // The batch is taken when the statement is given, so statements and deferred writes keep
  // the order the work gave them in; batches go one after the other even when the work
  // starts several at once, as pipeline mode is switched on for one batch at a time.
  let previous: Promise<unknown> = Promise.resolve()
  const send = (last: Statement | string) => {
    const batch = [...waiting, last]
    waiting.length = 0
    sent = true
    const next = previous.then(() =>
      pipelined(connection, batch).then((results) => results.at(-1)!)
    )
    previous = next.catch(() => {})
    return next
  }
  let result: T
  try {
    result = await work({
      rawQuery: (sql, bindings) => send(statement(sql, bindings)),
      defer: (sql, bindings) => {
        const deferred = statement(sql, bindings)
        UNSPANNED.add(deferred)
        waiting.push(deferred)
      },
      after: (_event, handler) => afterCommit.push(handler),
    })
    const committed = await send('COMMIT')
    // A failure the work caught leaves the transaction aborted: its COMMIT answers ROLLBACK.
    if (committed.command !== 'COMMIT') throw new Error(`COMMIT answered ${committed.command}`)
  } catch (error) {
    // Statements the work started and left behind (a Promise.all that rejected early) go
    // first, into the aborted transaction, never after the ROLLBACK in autocommit.
    await previous
    if (sent) {
      await unspanned(() => connection.query('ROLLBACK')).catch((failure: unknown) => {
        ;(connection as pg.Client & { __knex__disposed?: unknown }).__knex__disposed = failure
      })
    }
    throw error
  } finally {
    void connections.releaseConnection(connection)
  }
  for (const handler of afterCommit) handler()
  return result
}

/*
 * The application's database client: statements on connections of Lucid's
 * own pool (same size, same checks), without Lucid's and knex's query
 * machinery, which cost more CPU than PostgreSQL spends on these statements.
 */
export const direct = {
  /* One statement, its own transaction. For reads, and writes that are one statement. */
  rawQuery(sql: string, bindings: RawBindings = []) {
    return runAlone(sql, bindings)
  },

  /*
   * BEGIN, `work`, COMMIT on one pooled connection (ROLLBACK when `work`
   * throws), then the after-commit handlers. A transaction rolled back on a
   * stale prepared statement (see isStalePlan) runs once more, so `work`
   * must leave every effect outside the database to after-commit handlers.
   */
  async transaction<T>(work: (trx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await transactionOnce(work)
    } catch (error) {
      if (isStalePlan(error)) return transactionOnce(work)
      throw error
    }
  },

  /*
   * A Transaction for work that writes exactly ONE statement, which is then
   * atomic on its own: no BEGIN and COMMIT round trips (a third of a deposit's
   * cost). The after-commit handlers run once the statement has returned. A
   * second statement is refused: such work needs `transaction()`.
   */
  async singleStatement<T>(work: (trx: Transaction) => Promise<T>): Promise<T> {
    const afterCommit: (() => void)[] = []
    let ran = false
    const result = await work({
      rawQuery: (sql, bindings) => {
        if (ran) throw new Error('singleStatement(): the work ran a second statement')
        ran = true
        return runAlone(sql, bindings)
      },
      defer: () => {
        throw new Error('singleStatement(): deferred writes need transaction()')
      },
      after: (_event, handler) => afterCommit.push(handler),
    })
    for (const handler of afterCommit) handler()
    return result
  },
}
