import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { tokenFor, truncate } from '#tests/helpers'
import { CheckLedger } from '#queries/ledger/check_ledger'

test.group('Ledger under concurrency', (group) => {
  group.each.setup(() => truncate('transactions', 'accounts', 'outbox_messages'))

  test('50 concurrent deposits and reads keep Σ ledger = balance at every point', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const account = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
    const id = account.body().id

    const snapshots: { balance: string; total: string }[] = []
    const readers = Array.from({ length: 50 }, async () => {
      // One statement, one snapshot: the balance and the sum of its ledger seen together.
      const result = await db.rawQuery(
        `SELECT a.balance::text AS balance,
                (SELECT coalesce(sum(amount), 0) FROM transactions t WHERE t.account_id = a.id)::text AS total
           FROM accounts a WHERE a.id = ?`,
        [id]
      )
      snapshots.push(result.rows[0])
      const api = await client.get(`/api/v1/accounts/${id}/balance`).bearerToken(token)
      api.assertStatus(200)
    })
    const deposits = Array.from({ length: 50 }, (_, i) =>
      client
        .post(`/api/v1/accounts/${id}/deposits`)
        .bearerToken(token)
        .json({ amount: `${i + 1}.00` })
    )
    const responses = await Promise.all([...deposits, ...readers])
    for (const response of responses.slice(0, 50)) {
      ;(response as { assertStatus(s: number): void }).assertStatus(201)
    }

    for (const snapshot of snapshots) assert.equal(snapshot.balance, snapshot.total)
    // Σ (i − fee(i)) for i = 1..50 EUR, fee 2 % exact on whole euros.
    const expected = Array.from(
      { length: 50 },
      (_, i) => (BigInt(i + 1) * 100n * 98n) / 100n
    ).reduce((a, b) => a + b)
    const final = await db.rawQuery('SELECT balance::text AS b FROM accounts WHERE id = ?', [id])
    assert.equal(final.rows[0].b, expected.toString())

    // balance_after values form an unbroken chain: all distinct and increasing in write order.
    const chain = await db.rawQuery(
      'SELECT balance_after::text AS b FROM transactions WHERE account_id = ? ORDER BY created_at, seq',
      [id]
    )
    const afters = chain.rows.map((row: { b: string }) => BigInt(row.b))
    assert.lengthOf(afters, 50)
    for (let i = 1; i < afters.length; i++) assert.isTrue(afters[i] > afters[i - 1])
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('the database refuses a negative balance even if code tried', async ({ assert }) => {
    const [row] = (
      await db.rawQuery(
        `INSERT INTO accounts (external_ref, currency) VALUES (?, 'EUR') RETURNING id`,
        [`c-${randomUUID()}`]
      )
    ).rows
    await assert.rejects(
      () => db.rawQuery('UPDATE accounts SET balance = -1 WHERE id = ?', [row.id]),
      /accounts_balance_non_negative/
    )
  })

  test('ledger:check reports an account whose balance disagrees with its ledger', async ({
    assert,
  }) => {
    const [row] = (
      await db.rawQuery(
        `INSERT INTO accounts (external_ref, currency, balance) VALUES (?, 'EUR', 500) RETURNING id`,
        [`c-${randomUUID()}`]
      )
    ).rows
    const offences = await new CheckLedger().handle()
    assert.lengthOf(offences, 1)
    assert.equal(offences[0].accountId, row.id)
  })
})
