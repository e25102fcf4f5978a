import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import pg from 'pg'
import { direct, numberedPlaceholders, type Transaction } from '#infrastructure/database/direct'

/* What `work` failed with, or null when it succeeded. */
function failureOf(work: PromiseLike<unknown>) {
  return Promise.resolve(work).then(
    () => null,
    (error: Error & { code?: string }) => error
  )
}

/* The probe table is empty: whatever the transaction wrote rolled back. */
async function assertProbeEmpty(assert: { equal(actual: unknown, expected: unknown): void }) {
  const rows = await db.rawQuery('SELECT count(*)::int AS n FROM direct_trx_probe')
  assert.equal(rows.rows[0].n, 0)
}

test.group('Direct database client for the hot paths', (group) => {
  // An empty probe table for the transaction tests, dropped after each.
  group.each.setup(async () => {
    await db.rawQuery('CREATE TABLE IF NOT EXISTS direct_trx_probe (v int)')
    await db.rawQuery('TRUNCATE direct_trx_probe')
    return () => db.rawQuery('DROP TABLE IF EXISTS direct_trx_probe')
  })

  test('numbers ? placeholders outside quoted literals and identifiers', ({ assert }) => {
    assert.equal(
      numberedPlaceholders(`SELECT ?, '?' AS "?", 'it''s ?', ?::bigint WHERE x = ?`),
      `SELECT $1, '?' AS "?", 'it''s ?', $2::bigint WHERE x = $3`
    )
    assert.equal(numberedPlaceholders('SELECT 1'), 'SELECT 1')
    // Indentation goes, outside quotes; line breaks stay (a `--` comment ends at one).
    assert.equal(
      numberedPlaceholders(`SELECT ? -- the id\n     , 'a\n   b'\n\t  FROM t`),
      `SELECT $1 -- the id\n, 'a\n   b'\nFROM t`
    )
  })

  test('runs a statement on the shared pool, with bindings and bigint text', async ({ assert }) => {
    const result = await direct.rawQuery(`SELECT ?::bigint + 1 AS n, ?::text AS s, '?' AS q`, [
      '9007199254740993',
      'x',
    ])
    assert.deepEqual(result.rows, [{ n: '9007199254740994', s: 'x', q: '?' }])
  })

  test('a failing statement rejects with the PostgreSQL error and frees its connection', async ({
    assert,
  }) => {
    const pool = (db.connection().getWriteClient() as any).client.pool
    const before = pool.numUsed()
    const error = await direct.rawQuery('SELECT 1/0').then(
      () => null,
      (failure: Error & { code?: string }) => failure
    )
    assert.equal(error?.code, '22012')
    assert.equal(pool.numUsed(), before)
    // The connection went back healthy: the next statement on the pool works.
    assert.deepEqual((await direct.rawQuery('SELECT 2 AS two')).rows, [{ two: 2 }])
  })

  test('a transaction commits all, then runs its after-commit handlers', async ({ assert }) => {
    const seen: number[] = []
    const result = await direct.transaction(async (trx) => {
      await trx.rawQuery('INSERT INTO direct_trx_probe VALUES (?), (?)', [1, 2])
      trx.after('commit', async () => {
        const rows = await db.rawQuery('SELECT count(*)::int AS n FROM direct_trx_probe')
        seen.push(rows.rows[0].n)
      })
      // Not visible outside before COMMIT.
      const outside = await db.rawQuery('SELECT count(*)::int AS n FROM direct_trx_probe')
      seen.push(outside.rows[0].n)
      return 'done'
    })
    assert.equal(result, 'done')
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.deepEqual(seen, [0, 2])
  })

  test('{name}: nothing is written and no handler runs')
    .with([
      {
        name: 'a statement that fails',
        work: async (trx: Transaction) => {
          await trx.rawQuery('INSERT INTO direct_trx_probe VALUES (1)')
          await trx.rawQuery('SELECT 1/0')
        },
      },
      {
        // The failure surfaces at the COMMIT it travels with, which rolls back.
        name: 'a deferred write that fails',
        work: async (trx: Transaction) => {
          await trx.rawQuery('INSERT INTO direct_trx_probe VALUES (1)')
          trx.defer('INSERT INTO direct_trx_probe VALUES (1/0)')
          trx.defer('INSERT INTO direct_trx_probe VALUES (3)')
        },
      },
    ])
    .run(async ({ assert }, { work }) => {
      const pool = (db.connection().getWriteClient() as any).client.pool
      const before = pool.numUsed()
      let handled = false
      const failure = await failureOf(
        direct.transaction(async (trx) => {
          trx.after('commit', () => (handled = true))
          await work(trx)
        })
      )
      assert.equal(failure?.code, '22012')
      assert.isFalse(handled)
      assert.equal(pool.numUsed(), before)
      await assertProbeEmpty(assert)
      // The connection went back clean: the next transaction works.
      await direct.transaction(async (trx) => {
        await trx.rawQuery('INSERT INTO direct_trx_probe VALUES (4)')
      })
      const after = await db.rawQuery('SELECT count(*)::int AS n FROM direct_trx_probe')
      assert.equal(after.rows[0].n, 1)
    })

  test('BEGIN travels with the first statement and deferred writes with the COMMIT', async ({
    assert,
  }) => {
    // Every statement handed to pg, and whether it went out in a pipelined batch.
    const sent: string[] = []
    const query = pg.Client.prototype.query
    pg.Client.prototype.query = function (
      this: pg.Client & { pipeline?: boolean },
      ...args: any[]
    ) {
      const text = typeof args[0] === 'string' ? args[0] : args[0]?.text
      if (/direct_trx_probe|BEGIN|COMMIT/.test(text))
        sent.push(`${this.pipeline ? '+' : ''}${text}`)
      return (query as any).apply(this, args)
    } as typeof query
    try {
      await direct.transaction(async (trx) => {
        await trx.rawQuery('INSERT INTO direct_trx_probe VALUES (1)')
        trx.defer('INSERT INTO direct_trx_probe VALUES (2)')
        trx.defer('INSERT INTO direct_trx_probe VALUES (3)')
      })
    } finally {
      pg.Client.prototype.query = query
    }
    // Two round trips, each a pipelined batch, instead of five.
    assert.deepEqual(sent, [
      '+BEGIN',
      '+INSERT INTO direct_trx_probe VALUES (1)',
      '+INSERT INTO direct_trx_probe VALUES (2)',
      '+INSERT INTO direct_trx_probe VALUES (3)',
      '+COMMIT',
    ])
    const rows = await db.rawQuery('SELECT v FROM direct_trx_probe ORDER BY v')
    assert.deepEqual(
      rows.rows.map((row: { v: number }) => row.v),
      [1, 2, 3]
    )
  })

  test('statements the work starts at once run one after the other, in order', async ({
    assert,
  }) => {
    // Unserialized, pg answered a statement sent while a pipelined batch was still out with
    // "unexpected commandComplete" in about two runs of three; five rounds make it certain.
    for (let round = 0; round < 5; round++) {
      const rows = await direct.transaction(async (trx) => {
        await trx.rawQuery('CREATE TEMP TABLE direct_order_probe (n int) ON COMMIT DROP')
        trx.defer('INSERT INTO direct_order_probe VALUES (0)')
        // The first batch (pipelined) is still waiting on PostgreSQL when the others are sent.
        const started = [
          trx.rawQuery('INSERT INTO direct_order_probe SELECT 1 FROM pg_sleep(0.02)'),
          ...[2, 3, 4].map((n) => trx.rawQuery('INSERT INTO direct_order_probe VALUES (?)', [n])),
        ]
        // Deferred after the statements were given (not yet sent): it still goes after them.
        trx.defer('INSERT INTO direct_order_probe VALUES (5)')
        await Promise.all(started)
        const all = 'SELECT array_agg(n ORDER BY ctid) AS ns FROM direct_order_probe'
        return (await trx.rawQuery(all)).rows[0].ns
      })
      assert.deepEqual(rows, [0, 1, 2, 3, 4, 5])
    }
  })

  test('statements left behind by a failed Promise.all roll back with the rest', async ({
    assert,
  }) => {
    const failure = await failureOf(
      direct.transaction(async (trx) => {
        await Promise.all([
          trx.rawQuery('SELECT 1/0'),
          trx.rawQuery('INSERT INTO direct_trx_probe VALUES (1)'),
          trx.rawQuery('INSERT INTO direct_trx_probe VALUES (2)'),
        ])
      })
    )
    assert.equal(failure?.code, '22012')
    // Still queued when the work threw: they ran in the aborted transaction, not after it.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await assertProbeEmpty(assert)
  })

  test('a failure the work caught still rolls back: its COMMIT answers ROLLBACK', async ({
    assert,
  }) => {
    const failure = await failureOf(
      direct.transaction(async (trx) => {
        await trx.rawQuery('INSERT INTO direct_trx_probe VALUES (1)')
        await Promise.resolve(trx.rawQuery('SELECT 1/0')).catch(() => null)
        return 'looked fine'
      })
    )
    assert.match(String(failure), /COMMIT answered ROLLBACK/)
    await assertProbeEmpty(assert)
  })

  test('a repeated statement is prepared once per connection, then only executed', async ({
    assert,
  }) => {
    const sql = `SELECT ?::int * 2 AS twice`
    const prepared = await direct.transaction(async (trx) => {
      const answers = [await trx.rawQuery(sql, [2]), await trx.rawQuery(sql, [21])]
      assert.deepEqual(
        answers.map((answer) => answer.rows[0].twice),
        [4, 42]
      )
      const found = await trx.rawQuery(
        `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = ?`,
        [numberedPlaceholders(sql)]
      )
      return found.rows[0].n
    })
    assert.equal(prepared, 1)
  })

  test('a prepared statement whose result columns changed is prepared afresh and run again', async ({
    assert,
  }) => {
    const pool = (db.connection().getWriteClient() as any).client.pool
    const select = 'SELECT * FROM direct_stale_probe ORDER BY 1'
    /* Holds every pooled connection at once, each having run `select`: all have it prepared. */
    const prepareEverywhere = async () => {
      let arrived = 0
      let release!: () => void
      const barrier = new Promise<void>((resolve) => (release = resolve))
      await Promise.all(
        Array.from({ length: pool.max }, () =>
          direct.transaction(async (trx) => {
            await trx.rawQuery(select)
            if (++arrived === pool.max) release()
            await barrier
          })
        )
      )
    }
    await db.rawQuery('DROP TABLE IF EXISTS direct_stale_probe')
    await db.rawQuery('CREATE TABLE direct_stale_probe (a int)')
    try {
      await db.rawQuery('INSERT INTO direct_stale_probe VALUES (1)')
      await prepareEverywhere()
      await db.rawQuery('ALTER TABLE direct_stale_probe ADD COLUMN b int DEFAULT 2')

      // In a transaction: rolled back on the stale plan, then run once more.
      let attempts = 0
      const rows = await direct.transaction(async (trx) => {
        attempts++
        return (await trx.rawQuery(select)).rows
      })
      assert.equal(attempts, 2)
      assert.deepEqual(rows, [{ a: 1, b: 2 }])

      await prepareEverywhere()
      await db.rawQuery('ALTER TABLE direct_stale_probe ADD COLUMN c int DEFAULT 3')
      // Alone: the statement is simply run again.
      assert.deepEqual((await direct.rawQuery(select)).rows, [{ a: 1, b: 2, c: 3 }])
    } finally {
      await db.rawQuery('DROP TABLE direct_stale_probe')
    }
  })
})
