import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { tokenFor, truncate } from '#tests/helpers'
import { CreateAccount } from '#actions/accounts/create_account'
import { direct } from '#infrastructure/database/direct'
import { IdempotencyStore, isClaimLost } from '#infrastructure/idempotency/idempotency_store'

async function newAccount(client: any, token: string) {
  const response = await client
    .post('/api/v1/accounts')
    .bearerToken(token)
    .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
  return response.body().id as string
}

async function depositCount(accountId: string) {
  const result = await db.rawQuery(
    'SELECT count(*)::int AS n FROM transactions WHERE account_id = ?',
    [accountId]
  )
  return result.rows[0].n as number
}

test.group('Idempotency-Key', (group) => {
  group.each.setup(() =>
    truncate('idempotency_keys', 'transactions', 'accounts', 'outbox_messages')
  )

  test('a replay returns the stored answer byte for byte and runs nothing', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const id = await newAccount(client, token)
    const send = () =>
      client
        .post(`/api/v1/accounts/${id}/deposits`)
        .bearerToken(token)
        .header('Idempotency-Key', 'dep-1')
        .json({ amount: '10.00' })
    const first = await send()
    const again = await send()
    first.assertStatus(201)
    again.assertStatus(201)
    again.assertHeader('idempotent-replayed', 'true')
    assert.isUndefined(first.header('idempotent-replayed'))
    assert.equal(again.text(), first.text())
    assert.equal(await depositCount(id), 1)
  })

  test('25 concurrent requests with one key make exactly one deposit', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const id = await newAccount(client, token)
    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        client
          .post(`/api/v1/accounts/${id}/deposits`)
          .bearerToken(token)
          .header('Idempotency-Key', 'same-key')
          .json({ amount: '10.00' })
      )
    )
    const created = responses.filter((r) => r.status() === 201)
    const fresh = created.filter((r) => r.header('idempotent-replayed') !== 'true')
    const inUse = responses.filter((r) => r.status() === 409)
    assert.lengthOf(fresh, 1)
    assert.equal(created.length + inUse.length, 25)
    for (const response of inUse) {
      assert.equal(response.body().errors[0].code, 'E_IDEMPOTENCY_KEY_IN_USE')
      assert.exists(response.header('retry-after'))
    }
    for (const replay of created) assert.equal(replay.text(), fresh[0].text())
    assert.equal(await depositCount(id), 1)
    const balance = await client.get(`/api/v1/accounts/${id}`).bearerToken(token)
    assert.equal(balance.body().balance, '9.80')
  })

  test('the same key with another body is refused with 422', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const id = await newAccount(client, token)
    const url = `/api/v1/accounts/${id}/deposits`
    await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'k')
      .json({ amount: '1.00' })
    const other = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'k')
      .json({ amount: '2.00' })
    other.assertStatus(422)
    other.assertBodyContains({ errors: [{ code: 'E_IDEMPOTENCY_KEY_REUSED' }] })
    // Key order is not part of the fingerprint.
    const reordered = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'k2')
      .json({ reference: 'x', amount: '1.00' })
    reordered.assertStatus(201)
    const replay = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'k2')
      .json({ amount: '1.00', reference: 'x' })
    replay.assertHeader('idempotent-replayed', 'true')
    assert.equal(await depositCount(id), 2)
  })

  test('validation 422s and 403s are not stored; business refusals are', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const id = await newAccount(client, token)
    const url = `/api/v1/accounts/${id}/deposits`
    const invalid = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'v')
      .json({ amount: 'abc' })
    invalid.assertStatus(422)
    const fixed = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'v')
      .json({ amount: '3.00' })
    fixed.assertStatus(201)
    assert.isUndefined(fixed.header('idempotent-replayed'))

    const { token: readOnly, user } = await tokenFor(['accounts:read'])
    const forbidden = await client
      .post('/api/v1/accounts')
      .bearerToken(readOnly)
      .header('Idempotency-Key', 'f')
      .json({ external_ref: 'dup', currency: 'EUR' })
    forbidden.assertStatus(403)
    const stored = await db.rawQuery(
      'SELECT count(*)::int AS n FROM idempotency_keys WHERE owner_id = ?',
      [user.id]
    )
    assert.equal(stored.rows[0].n, 0)

    // A refusal that ran (duplicate account) is stored and replayed.
    const ref = `dup-${randomUUID()}`
    await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: ref, currency: 'EUR' })
    const conflict = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .header('Idempotency-Key', 'c')
      .json({ external_ref: ref, currency: 'EUR' })
    conflict.assertStatus(409)
    const conflictAgain = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .header('Idempotency-Key', 'c')
      .json({ external_ref: ref, currency: 'EUR' })
    conflictAgain.assertStatus(409)
    conflictAgain.assertHeader('idempotent-replayed', 'true')
    assert.equal(conflictAgain.text(), conflict.text())
  })

  test('keys are scoped per token owner', async ({ client, assert }) => {
    const a = await tokenFor(['*'])
    const b = await tokenFor(['*'])
    const id = await newAccount(client, a.token)
    const url = `/api/v1/accounts/${id}/deposits`
    const first = await client
      .post(url)
      .bearerToken(a.token)
      .header('Idempotency-Key', 'x')
      .json({ amount: '1.00' })
    const second = await client
      .post(url)
      .bearerToken(b.token)
      .header('Idempotency-Key', 'x')
      .json({ amount: '1.00' })
    first.assertStatus(201)
    second.assertStatus(201)
    assert.isUndefined(second.header('idempotent-replayed'))
    assert.equal(await depositCount(id), 2)
  })

  test('a stale in-flight claim is taken over; an expired key is free again', async ({
    client,
    assert,
  }) => {
    const { token, user } = await tokenFor(['*'])
    const id = await newAccount(client, token)
    const url = `/api/v1/accounts/${id}/deposits`
    const body = { amount: '5.00' }
    const first = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 's')
      .json(body)
    const fingerprint = (
      await db.rawQuery('SELECT fingerprint FROM idempotency_keys WHERE owner_id = ? AND key = ?', [
        user.id,
        's',
      ])
    ).rows[0].fingerprint
    // A crashed request: claimed long ago, never completed, nothing committed.
    await db.rawQuery(
      `INSERT INTO idempotency_keys (owner_id, key, fingerprint, method, path, state, claim_id, locked_at, expires_at)
       VALUES (?, 'crashed', ?, 'POST', ?, 'in_flight', gen_random_uuid(), now() - interval '1 hour', now() + interval '1 hour')`,
      [user.id, fingerprint, url]
    )
    const retried = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'crashed')
      .json(body)
    retried.assertStatus(201)
    assert.isUndefined(retried.header('idempotent-replayed'))

    // A fresh in-flight claim is not taken over.
    await db.rawQuery(
      `INSERT INTO idempotency_keys (owner_id, key, fingerprint, method, path, state, claim_id, expires_at)
       VALUES (?, 'busy', ?, 'POST', ?, 'in_flight', gen_random_uuid(), now() + interval '1 hour')`,
      [user.id, fingerprint, url]
    )
    const busy = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 'busy')
      .json(body)
    busy.assertStatus(409)

    await db.rawQuery(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 's'`
    )
    const afterExpiry = await client
      .post(url)
      .bearerToken(token)
      .header('Idempotency-Key', 's')
      .json(body)
    afterExpiry.assertStatus(201)
    assert.isUndefined(afterExpiry.header('idempotent-replayed'))
    assert.notEqual(afterExpiry.body().id, first.body().id)
    assert.equal(await depositCount(id), 3)
  })

  test('a request whose claim was taken over meanwhile commits nothing', async ({ assert }) => {
    const { user } = await tokenFor(['*'])
    const store = new IdempotencyStore()
    const request = {
      ownerId: user.id,
      key: 'taken-over',
      fingerprint: 'f',
      method: 'POST',
      path: '/api/v1/accounts',
      ttlHours: 1,
      staleAfterSeconds: 60,
    }
    const outcome = await store.claim(request)
    assert.equal(outcome.kind, 'claimed')
    if (outcome.kind !== 'claimed') return
    const externalRef = `lost-${randomUUID()}`
    // The seal travels with the COMMIT (Transaction.defer): its failure must roll the account back.
    const failure = await direct
      .transaction(async (trx) => {
        await new CreateAccount().handle(trx, { externalRef, currency: 'EUR' })
        // A retry took the stale claim over while this request ran.
        await db.rawQuery(
          `UPDATE idempotency_keys SET claim_id = gen_random_uuid() WHERE owner_id = ? AND key = ?`,
          [user.id, request.key]
        )
        store.sealWith(trx, outcome.claim, 201, '{}')
      })
      .then(
        () => null,
        (error: unknown) => error
      )
    assert.isTrue(isClaimLost(failure), String(failure))
    assert.isFalse(outcome.claim.sealed)
    const accounts = await db.rawQuery('SELECT 1 FROM accounts WHERE external_ref = ?', [
      externalRef,
    ])
    assert.lengthOf(accounts.rows, 0)
    const key = await db.rawQuery(
      'SELECT state FROM idempotency_keys WHERE owner_id = ? AND key = ?',
      [user.id, request.key]
    )
    assert.equal(key.rows[0].state, 'in_flight')
  })

  test('a malformed key is a 400', async ({ client }) => {
    const { token } = await tokenFor(['*'])
    const response = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .header('Idempotency-Key', 'x'.repeat(256))
      .json({ external_ref: 'r', currency: 'EUR' })
    response.assertStatus(400)
  })
})
