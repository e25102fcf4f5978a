import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { tokenFor, truncate } from '#tests/helpers'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { statusFromTimeline } from '#tests/support/payout_timeline'

const PAYOUT_KEYS = [
  'id',
  'account_id',
  'amount',
  'fee',
  'currency',
  'status',
  'recipient_details',
  'comment',
  'attempts',
  'failure_code',
  'failure_message',
  'provider_reference',
  'created_at',
  'updated_at',
  'completed_at',
]

/* An account funded with `deposit` (gross; 2 % fee taken). */
async function accountFundedViaApi(client: any, token: string, deposit: string, currency = 'EUR') {
  const account = await client
    .post('/api/v1/accounts')
    .bearerToken(token)
    .json({ external_ref: `c-${randomUUID()}`, currency })
  await client
    .post(`/api/v1/accounts/${account.body().id}/deposits`)
    .bearerToken(token)
    .json({ amount: deposit })
  return account.body().id as string
}

async function balanceOf(client: any, token: string, id: string) {
  return (await client.get(`/api/v1/accounts/${id}`).bearerToken(token)).body().balance as string
}

test.group('Payouts API', (group) => {
  group.each.setup(() =>
    truncate('payout_events', 'payouts', 'transactions', 'accounts', 'outbox_messages')
  )

  test('creates a NEW payout and holds amount + fee', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await accountFundedViaApi(client, token, '500.00') // 490.00 after fee
    const response = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: accountId,
      amount: '100.00',
      currency: 'EUR',
      recipient_details: 'IBAN DE89 3704 0044 0532 0130 00',
      comment: 'invoice 42',
    })
    response.assertStatus(201)
    const payout = response.body()
    assert.sameMembers(Object.keys(payout), PAYOUT_KEYS)
    assert.containsSubset(payout, {
      account_id: accountId,
      amount: '100.00',
      fee: '2.00',
      currency: 'EUR',
      status: 'NEW',
      comment: 'invoice 42',
      attempts: 0,
      failure_code: null,
      failure_message: null,
      completed_at: null,
    })
    assert.equal(await balanceOf(client, token, accountId), '388.00')

    const shown = await client.get(`/api/v1/payouts/${payout.id}`).bearerToken(token)
    shown.assertStatus(200)
    const events = shown.body().events
    assert.lengthOf(events, 1)
    assert.containsSubset(events[0], { type: 'created', from_status: null, to_status: 'NEW' })
    assert.sameMembers(Object.keys(events[0]), [
      'type',
      'from_status',
      'to_status',
      'actor',
      'details',
      'created_at',
    ])

    const hold = await db.rawQuery(
      `SELECT type, amount::text, fee::text FROM transactions WHERE payout_id = ?`,
      [payout.id]
    )
    assert.deepEqual(hold.rows, [{ type: 'payout_hold', amount: '-10200', fee: '200' }])
  })

  test('refuses with 409 and writes nothing when funds are short', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await accountFundedViaApi(client, token, '100.00') // 98.00
    const response = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: accountId,
      amount: '97.00', // + 1.94 fee = 98.94 > 98.00
      currency: 'EUR',
      recipient_details: 'x',
    })
    response.assertStatus(409)
    response.assertBodyContains({ errors: [{ code: 'E_INSUFFICIENT_FUNDS' }] })
    assert.equal(await balanceOf(client, token, accountId), '98.00')
    const counts = await db.rawQuery(
      `SELECT (SELECT count(*) FROM payouts)::int AS payouts,
              (SELECT count(*) FROM outbox_messages WHERE routing_key LIKE 'payout%')::int AS outbox`
    )
    assert.deepEqual(counts.rows[0], { payouts: 0, outbox: 0 })
  })

  test('validates fields, currency against the account, and the account', async ({ client }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await accountFundedViaApi(client, token, '100.00')
    const base = { account_id: accountId, amount: '1.00', currency: 'EUR', recipient_details: 'x' }
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, currency: 'USD' }, 'currency'],
      [{ ...base, account_id: randomUUID() }, 'account_id'],
      [{ ...base, account_id: 'nope' }, 'account_id'],
      [{ ...base, recipient_details: '' }, 'recipient_details'],
      [{ ...base, recipient_details: 'x'.repeat(501) }, 'recipient_details'],
      [{ ...base, amount: '1.001' }, 'amount'],
      [{ ...base, amount: '-1' }, 'amount'],
    ]
    for (const [body, field] of cases) {
      const response = await client.post('/api/v1/payouts').bearerToken(token).json(body)
      response.assertStatus(422)
      response.assertBodyContains({ errors: [{ code: 'E_VALIDATION_ERROR', field }] })
    }
  })

  test('PATCH edits comment and recipient while NEW only', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await accountFundedViaApi(client, token, '100.00')
    const created = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: accountId,
      amount: '1.00',
      currency: 'EUR',
      recipient_details: 'old',
    })
    const id = created.body().id
    const patched = await client
      .patch(`/api/v1/payouts/${id}`)
      .bearerToken(token)
      .json({ comment: 'new comment', recipient_details: 'new' })
    patched.assertStatus(200)
    assert.containsSubset(patched.body(), { comment: 'new comment', recipient_details: 'new' })
    await client.post(`/api/v1/payouts/${id}/cancel`).bearerToken(token)
    const late = await client
      .patch(`/api/v1/payouts/${id}`)
      .bearerToken(token)
      .json({ comment: 'x' })
    late.assertStatus(409)
    late.assertBodyContains({ errors: [{ code: 'E_INVALID_STATE' }] })
  })

  test('cancel (POST …/cancel or DELETE) releases the hold once', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await accountFundedViaApi(client, token, '100.00')
    const make = async () =>
      (
        await client.post('/api/v1/payouts').bearerToken(token).json({
          account_id: accountId,
          amount: '10.00',
          currency: 'EUR',
          recipient_details: 'x',
        })
      ).body().id as string
    const a = await make()
    const b = await make()
    assert.equal(await balanceOf(client, token, accountId), '77.60')
    const viaPost = await client.post(`/api/v1/payouts/${a}/cancel`).bearerToken(token)
    viaPost.assertStatus(200)
    assert.equal(viaPost.body().status, 'CANCELED')
    const viaDelete = await client.delete(`/api/v1/payouts/${b}`).bearerToken(token)
    viaDelete.assertStatus(200)
    assert.equal(await balanceOf(client, token, accountId), '98.00')
    const again = await client.delete(`/api/v1/payouts/${b}`).bearerToken(token)
    again.assertStatus(409)
    again.assertBodyContains({ errors: [{ code: 'E_INVALID_STATE' }] })
    ;(await client.post(`/api/v1/payouts/${randomUUID()}/cancel`).bearerToken(token)).assertStatus(
      404
    )

    const shown = await client.get(`/api/v1/payouts/${a}`).bearerToken(token)
    assert.equal(statusFromTimeline(shown.body().events), 'CANCELED')
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('lists with filters and cursor pagination, newest first', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const accountA = await accountFundedViaApi(client, token, '100.00')
    const accountB = await accountFundedViaApi(client, token, '100.00')
    const ids: string[] = []
    for (const account of [accountA, accountB, accountA, accountA]) {
      const r = await client.post('/api/v1/payouts').bearerToken(token).json({
        account_id: account,
        amount: '1.00',
        currency: 'EUR',
        recipient_details: 'x',
      })
      ids.push(r.body().id)
    }
    await client.post(`/api/v1/payouts/${ids[0]}/cancel`).bearerToken(token)

    const all = await client.get('/api/v1/payouts?limit=3').bearerToken(token)
    assert.deepEqual(
      all.body().data.map((p: { id: string }) => p.id),
      [ids[3], ids[2], ids[1]]
    )
    const next = await client
      .get(`/api/v1/payouts?limit=3&cursor=${encodeURIComponent(all.body().meta.next_cursor)}`)
      .bearerToken(token)
    assert.deepEqual(
      next.body().data.map((p: { id: string }) => p.id),
      [ids[0]]
    )
    assert.isNull(next.body().meta.next_cursor)

    const byAccount = await client.get(`/api/v1/payouts?account_id=${accountA}`).bearerToken(token)
    assert.lengthOf(byAccount.body().data, 3)
    const canceled = await client.get('/api/v1/payouts?status=CANCELED').bearerToken(token)
    assert.deepEqual(
      canceled.body().data.map((p: { id: string }) => p.id),
      [ids[0]]
    )
    const future = await client
      .get('/api/v1/payouts?created_from=2999-01-01T00:00:00Z')
      .bearerToken(token)
    assert.lengthOf(future.body().data, 0)
    ;(await client.get('/api/v1/payouts?status=LOST').bearerToken(token)).assertStatus(422)
  })

  test('a cursor this API did not issue is a 422 on every list: {$self}')
    // The last: a signature of 22 characters like ours, but 44 bytes.
    .with([
      '.',
      'x.y',
      '.é',
      `${Buffer.from(randomUUID()).toString('base64url')}.${'é'.repeat(22)}`,
    ])
    .run(async ({ client, assert }, cursor) => {
      const { token } = await tokenFor(['*'])
      const account = await accountFundedViaApi(client, token, '1.00')
      for (const path of [
        '/api/v1/payouts',
        '/api/v1/dead-letters',
        `/api/v1/accounts/${account}/transactions`,
      ]) {
        const response = await client
          .get(`${path}?cursor=${encodeURIComponent(cursor)}`)
          .bearerToken(token)
        response.assertStatus(422)
        assert.equal(response.body().errors[0].field, 'cursor', path)
      }
    })

  test('abilities: payouts:read cannot write; accounts-only tokens cannot read payouts', async ({
    client,
  }) => {
    const { token: reader } = await tokenFor(['payouts:read'])
    const { token: accounts } = await tokenFor(['accounts:read', 'accounts:write'])
    ;(await client.post('/api/v1/payouts').bearerToken(reader).json({})).assertStatus(403)
    ;(await client.get(`/api/v1/payouts/${randomUUID()}`).bearerToken(accounts)).assertStatus(403)
    ;(await client.delete(`/api/v1/payouts/${randomUUID()}`).bearerToken(reader)).assertStatus(403)
    ;(await client.get(`/api/v1/payouts/${randomUUID()}`).bearerToken(reader)).assertStatus(404)
  })
})

test.group('Payouts under concurrency', (group) => {
  group.each.setup(() =>
    truncate('payout_events', 'payouts', 'transactions', 'accounts', 'outbox_messages')
  )

  test('60 concurrent creates on an account funded for exactly k payouts', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const k = 7
    // Each payout of 10.00 holds 10.20; deposit so that the balance is exactly k × 10.20.
    const account = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
    const accountId = account.body().id
    await db.rawQuery(
      `WITH a AS (UPDATE accounts SET balance = ? WHERE id = ? RETURNING id, balance)
       INSERT INTO transactions (account_id, type, amount, fee, balance_after)
       SELECT id, 'deposit', balance, 0, balance FROM a`,
      [k * 1020, accountId]
    )

    const responses = await Promise.all(
      Array.from({ length: 60 }, () =>
        client.post('/api/v1/payouts').bearerToken(token).json({
          account_id: accountId,
          amount: '10.00',
          currency: 'EUR',
          recipient_details: 'x',
        })
      )
    )
    const statuses = responses.map((r) => r.status())
    assert.equal(statuses.filter((s) => s === 201).length, k)
    assert.equal(statuses.filter((s) => s === 409).length, 60 - k)
    for (const r of responses.filter((x) => x.status() === 409)) {
      assert.equal(r.body().errors[0].code, 'E_INSUFFICIENT_FUNDS')
    }
    assert.equal(await balanceOf(client, token, accountId), '0.00')
    const count = await db.rawQuery('SELECT count(*)::int AS n FROM payouts')
    assert.equal(count.rows[0].n, k)
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('10 concurrent cancels of one payout release once', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await accountFundedViaApi(client, token, '100.00')
    const created = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: accountId,
      amount: '50.00',
      currency: 'EUR',
      recipient_details: 'x',
    })
    const id = created.body().id
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? client.post(`/api/v1/payouts/${id}/cancel`).bearerToken(token)
          : client.delete(`/api/v1/payouts/${id}`).bearerToken(token)
      )
    )
    const statuses = responses.map((r) => r.status())
    assert.equal(statuses.filter((s) => s === 200).length, 1)
    assert.equal(statuses.filter((s) => s === 409).length, 9)
    assert.equal(await balanceOf(client, token, accountId), '98.00')
    const releases = await db.rawQuery(
      `SELECT count(*)::int AS n FROM transactions WHERE payout_id = ? AND type = 'payout_release'`,
      [id]
    )
    assert.equal(releases.rows[0].n, 1)
    assert.deepEqual(await new CheckLedger().handle(), [])
  })
})
