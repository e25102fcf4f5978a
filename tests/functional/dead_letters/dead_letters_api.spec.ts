import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { tokenFor, truncate } from '#tests/helpers'
import { AccountFactory } from '#database/factories/account_factory'
import { failedPayoutWithDeadLetter } from '#tests/support/dead_letters'

/*
 * A payout that exhausted one attempt, mirrored as an open dead letter: FAILED, still
 * PROCESSING, or PROCESSING and accepted by the provider (awaiting its answer).
 */
async function exhaustedPayout(
  accountId: string,
  finalState: 'FAILED' | 'PROCESSING' | 'ACCEPTED' = 'FAILED'
) {
  const { payout, letter } = await failedPayoutWithDeadLetter(await Account.findOrFail(accountId), {
    amount: 1000n,
    attempts: 1,
    stillProcessing: finalState === 'PROCESSING',
    acceptedByProvider: finalState === 'ACCEPTED',
  })
  return { payoutId: payout.id, letterId: letter.id }
}

async function statusOf(payoutId: string) {
  const result = await db.rawQuery('SELECT status FROM payouts WHERE id = ?', [payoutId])
  return result.rows[0].status as string
}

async function balanceOf(accountId: string) {
  return (await Account.findOrFail(accountId)).balance
}

test.group('Dead letters API', (group) => {
  group.each.setup(() =>
    truncate(
      'dead_letters',
      'payout_events',
      'payouts',
      'transactions',
      'accounts',
      'outbox_messages',
      'idempotency_keys'
    )
  )

  test('needs dlq:manage, even for an unknown id', async ({ client }) => {
    const { token } = await tokenFor(['payouts:read', 'payouts:write', 'accounts:read'])
    ;(await client.get('/api/v1/dead-letters').bearerToken(token)).assertStatus(403)
    ;(
      await client.post(`/api/v1/dead-letters/${randomUUID()}/replay`).bearerToken(token)
    ).assertStatus(403)
    const { token: manager } = await tokenFor(['dlq:manage'])
    ;(
      await client.post(`/api/v1/dead-letters/${randomUUID()}/replay`).bearerToken(manager)
    ).assertStatus(404)
    ;(await client.post('/api/v1/dead-letters/nope/discard').bearerToken(manager)).assertStatus(404)
  })

  test('lists with the contract fields and filters', async ({ client, assert }) => {
    const { token } = await tokenFor(['dlq:manage'])
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const first = await exhaustedPayout(accountId)
    await exhaustedPayout(accountId)
    const list = await client.get('/api/v1/dead-letters').bearerToken(token)
    list.assertStatus(200)
    assert.lengthOf(list.body().data, 2)
    const item = list.body().data.find((d: { id: string }) => d.id === first.letterId)
    for (const key of [
      'id',
      'queue',
      'payout_id',
      'reason',
      'attempts',
      'last_error',
      'payload',
      'status',
      'created_at',
    ]) {
      assert.property(item, key)
    }
    assert.containsSubset(item, {
      queue: 'payouts.process',
      payout_id: first.payoutId,
      reason: 'exhausted',
      attempts: 1,
      last_error: 'Provider answered 503 (attempt 1)',
      payload: { payout_id: first.payoutId },
      status: 'open',
    })
    assert.lengthOf(item.errors, 1)
    const byPayout = await client
      .get(`/api/v1/dead-letters?payout_id=${first.payoutId}`)
      .bearerToken(token)
    assert.lengthOf(byPayout.body().data, 1)
    const byCode = await client
      .get('/api/v1/dead-letters?error_code=provider_unavailable')
      .bearerToken(token)
    assert.lengthOf(byCode.body().data, 2)
    const replayed = await client.get('/api/v1/dead-letters?status=replayed').bearerToken(token)
    assert.lengthOf(replayed.body().data, 0)
    const shown = await client.get(`/api/v1/dead-letters/${first.letterId}`).bearerToken(token)
    assert.equal(shown.body().id, first.letterId)
  })

  test('replay sends a FAILED payout back to PROCESSING and holds its funds again', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['dlq:manage'])
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const { payoutId, letterId } = await exhaustedPayout(accountId)
    assert.equal(await balanceOf(accountId), 100_000n)
    const response = await client.post(`/api/v1/dead-letters/${letterId}/replay`).bearerToken(token)
    response.assertStatus(200)
    assert.equal(response.body().status, 'replayed')
    assert.match(response.body().resolved_by, /^user:/)
    assert.equal(await statusOf(payoutId), 'PROCESSING')
    assert.equal(await balanceOf(accountId), 100_000n - 1020n)
    const command = await db.rawQuery(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE routing_key = 'payout.process' AND payload->>'payout_id' = ?`,
      [payoutId]
    )
    assert.equal(command.rows[0].n, 2) // the original create and the replay
    const again = await client.post(`/api/v1/dead-letters/${letterId}/replay`).bearerToken(token)
    again.assertStatus(409)
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('replay with funds now short is 409 E_INSUFFICIENT_FUNDS and changes nothing', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['dlq:manage'])
    const { id: accountId } = await AccountFactory.merge({ balance: 1020n }).create()
    const { payoutId, letterId } = await exhaustedPayout(accountId)
    await db.rawQuery(
      `WITH a AS (UPDATE accounts SET balance = balance - 500 WHERE id = ? RETURNING id, balance)
       INSERT INTO transactions (account_id, type, amount, fee, balance_after, order_id)
       SELECT id, 'order_payment', -500, 0, balance, 'spent' FROM a`,
      [accountId]
    )
    const response = await client.post(`/api/v1/dead-letters/${letterId}/replay`).bearerToken(token)
    response.assertStatus(409)
    response.assertBodyContains({ errors: [{ code: 'E_INSUFFICIENT_FUNDS' }] })
    assert.equal(await statusOf(payoutId), 'FAILED')
    const letter = await client.get(`/api/v1/dead-letters/${letterId}`).bearerToken(token)
    assert.equal(letter.body().status, 'open')
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('discard closes it; a payout still processing is failed and released', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['dlq:manage'])
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const { payoutId, letterId } = await exhaustedPayout(accountId, 'PROCESSING')
    assert.equal(await balanceOf(accountId), 100_000n - 1020n)
    const response = await client
      .post(`/api/v1/dead-letters/${letterId}/discard`)
      .bearerToken(token)
    response.assertStatus(200)
    assert.equal(response.body().status, 'discarded')
    assert.equal(await statusOf(payoutId), 'FAILED')
    assert.equal(await balanceOf(accountId), 100_000n)
    ;(
      await client.post(`/api/v1/dead-letters/${letterId}/discard`).bearerToken(token)
    ).assertStatus(409)
    ;(await client.post(`/api/v1/dead-letters/${letterId}/replay`).bearerToken(token)).assertStatus(
      409
    )
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('discard of a payout the provider accepted is 409 and changes nothing; replay checks it', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['dlq:manage'])
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const { payoutId, letterId } = await exhaustedPayout(accountId, 'ACCEPTED')
    const held = 100_000n - 1020n
    assert.equal(await balanceOf(accountId), held)

    const refused = await client.post(`/api/v1/dead-letters/${letterId}/discard`).bearerToken(token)
    refused.assertStatus(409)
    refused.assertBodyContains({ errors: [{ code: 'E_INVALID_STATE' }] })
    assert.equal(await statusOf(payoutId), 'PROCESSING')
    assert.equal(await balanceOf(accountId), held)
    const open = await client.get(`/api/v1/dead-letters/${letterId}`).bearerToken(token)
    assert.equal(open.body().status, 'open')

    // The way out: a replay sends the work back, and the worker asks the provider.
    const replayed = await client.post(`/api/v1/dead-letters/${letterId}/replay`).bearerToken(token)
    replayed.assertStatus(200)
    assert.equal(await statusOf(payoutId), 'PROCESSING')
    assert.equal(await balanceOf(accountId), held)
    const commands = await db.rawQuery(
      `SELECT 1 FROM outbox_messages WHERE routing_key = 'payout.process' AND payload->>'payout_id' = ?`,
      [payoutId]
    )
    assert.isAbove(commands.rows.length, 1)
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('dead-letters:* commands list, replay --all and discard', async ({ assert }) => {
    const { id: accountId } = await AccountFactory.merge({ balance: 100_000n }).create()
    const a = await exhaustedPayout(accountId)
    const b = await exhaustedPayout(accountId)
    const ace = (...args: string[]) =>
      spawnSync(process.execPath, ['ace.js', ...args], {
        env: { ...process.env, NODE_ENV: 'test' },
        encoding: 'utf8',
      })
    const list = ace('dead-letters:list')
    assert.equal(list.status, 0, list.stderr)
    assert.include(list.stdout, a.letterId)
    assert.include(list.stdout, b.letterId)

    const discard = ace('dead-letters:discard', a.letterId)
    assert.equal(discard.status, 0, discard.stderr + discard.stdout)
    const replay = ace('dead-letters:replay', '--all', '--error-code=provider_unavailable')
    assert.equal(replay.status, 0, replay.stderr + replay.stdout)
    assert.include(replay.stdout, '1 dead letter(s) replayed')
    assert.equal(await statusOf(b.payoutId), 'PROCESSING')
    assert.equal(await statusOf(a.payoutId), 'FAILED')
    // A closed one cannot be replayed: the command reports it and exits 1.
    const refused = ace('dead-letters:replay', a.letterId)
    assert.equal(refused.status, 1)
  }).timeout(60_000)
})
