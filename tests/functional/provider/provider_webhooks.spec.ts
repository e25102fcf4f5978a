import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { tokenFor, truncate } from '#tests/helpers'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { direct } from '#infrastructure/database/direct'
import { ProviderWebhookSignature } from '#infrastructure/provider/webhook_signature'
import { providerContradictions } from '#infrastructure/provider/metrics'
import { clientFor, payRequest, startMockProvider } from '#tests/support/provider'
import { eventually } from '#tests/support/eventually'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'

const WEBHOOK_URL = `http://localhost:${process.env.PORT}/webhooks/provider`
const SECRET = payoutsConfig.provider.webhookSecrets[0]

/* A funded EUR account (500.00 deposited, 490.00 after fee) and a 100.00 payout (+2.00 fee) moved to PROCESSING. */
async function processingPayout(client: any, recipientDetails = 'IBAN DE89 3704') {
  const { token } = await tokenFor(['*'])
  const account = await client
    .post('/api/v1/accounts')
    .bearerToken(token)
    .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
  const accountId = account.body().id as string
  await client
    .post(`/api/v1/accounts/${accountId}/deposits`)
    .bearerToken(token)
    .json({ amount: '500.00' })
  const created = await client.post('/api/v1/payouts').bearerToken(token).json({
    account_id: accountId,
    amount: '100.00',
    currency: 'EUR',
    recipient_details: recipientDetails,
  })
  const payoutId = created.body().id as string
  const transitions = await app.container.make(PayoutTransitions)
  await direct.transaction((trx) =>
    transitions.move(trx, payoutId, 'NEW', 'PROCESSING', { actor: 'worker', countAttempt: true })
  )
  const show = async () =>
    (await client.get(`/api/v1/payouts/${payoutId}`).bearerToken(token)).body()
  const balance = async () =>
    (await client.get(`/api/v1/accounts/${accountId}`).bearerToken(token)).body().balance as string
  return { payoutId, accountId, token, show, balance }
}

function event(payoutId: string, overrides: Record<string, unknown> = {}) {
  return {
    event_id: `evt_${randomUUID()}`,
    payout_id: payoutId,
    provider_reference: `prv_${randomUUID()}`,
    status: 'succeeded',
    ...overrides,
  }
}

/* Posts `body` exactly as given, signed like the provider does unless told otherwise. */
async function deliver(
  body: unknown,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {}
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const signature =
    options.signature !== undefined
      ? options.signature
      : new ProviderWebhookSignature([options.secret ?? SECRET]).sign(raw, options.timestamp)
  const response = await fetch(WEBHOOK_URL, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(signature === null ? {} : { 'Provider-Signature': signature }),
    },
    body: raw,
  })
  return { status: response.status, body: (await response.json()) as any }
}

async function contradictionsCounted(reported: 'succeeded' | 'failed') {
  const metric = await providerContradictions.get()
  return metric.values.find((value) => value.labels.reported === reported)?.value ?? 0
}

function assertUnauthorized(assert: any, response: { status: number; body: any }) {
  assert.equal(response.status, 401)
  assert.equal(response.body.errors[0].code, 'E_UNAUTHORIZED')
  assert.isString(response.body.errors[0].message)
}

async function providerEvents(payoutId: string) {
  const result = await db.rawQuery(
    `SELECT event_id, status, outcome FROM provider_events WHERE payout_id = ? ORDER BY received_at`,
    [payoutId]
  )
  return result.rows as { event_id: string; status: string; outcome: string }[]
}

test.group('Provider webhooks', (group) => {
  group.each.setup(() =>
    truncate(
      'provider_events',
      'payout_events',
      'payouts',
      'transactions',
      'accounts',
      'outbox_messages'
    )
  )

  test('a signed success completes a PROCESSING payout and keeps the reference', async ({
    client,
    assert,
  }) => {
    const payout = await processingPayout(client)
    assert.equal(await payout.balance(), '388.00')
    const sent = event(payout.payoutId)

    const response = await deliver(sent)
    assert.deepEqual(response, { status: 200, body: { received: true, applied: true } })

    const shown = await payout.show()
    assert.containsSubset(shown, {
      status: 'COMPLETED',
      provider_reference: sent.provider_reference,
      failure_code: null,
    })
    assert.isNotNull(shown.completed_at)
    assert.containsSubset(shown.events.at(-1), {
      from_status: 'PROCESSING',
      to_status: 'COMPLETED',
      actor: 'provider',
      details: { event_id: sent.event_id },
    })
    assert.equal(await payout.balance(), '388.00')
    assert.deepEqual(await providerEvents(payout.payoutId), [
      { event_id: sent.event_id, status: 'succeeded', outcome: 'applied' },
    ])
    const outbox = await db.rawQuery(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE routing_key = 'payout.completed'`
    )
    assert.equal(outbox.rows[0].n, 1)
  })

  test('a signed failure fails the payout and releases its hold', async ({ client, assert }) => {
    const payout = await processingPayout(client)
    const response = await deliver(
      event(payout.payoutId, {
        status: 'failed',
        failure_code: 'account_closed',
        failure_message: 'The recipient account is closed',
      })
    )
    assert.deepEqual(response.body, { received: true, applied: true })
    assert.containsSubset(await payout.show(), {
      status: 'FAILED',
      failure_code: 'account_closed',
      failure_message: 'The recipient account is closed',
      completed_at: null,
    })
    assert.equal(await payout.balance(), '490.00')
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('a failure without a code still fails with a generic one', async ({ client, assert }) => {
    const payout = await processingPayout(client)
    await deliver(event(payout.payoutId, { status: 'failed' }))
    assert.containsSubset(await payout.show(), {
      status: 'FAILED',
      failure_code: 'provider_failed',
    })
  })

  test('a missing or wrong signature is refused with 401 and changes nothing', async ({
    client,
    assert,
  }) => {
    const payout = await processingPayout(client)
    const body = event(payout.payoutId)
    const now = Math.floor(Date.now() / 1000)
    const signed = new ProviderWebhookSignature([SECRET]).sign(JSON.stringify(body), now)

    assertUnauthorized(assert, await deliver(body, { signature: null }))
    assertUnauthorized(assert, await deliver(body, { secret: 'not-the-secret' }))
    assertUnauthorized(assert, await deliver(body, { signature: 'garbage' }))
    assertUnauthorized(assert, await deliver(body, { signature: `t=${now}` }))
    assertUnauthorized(assert, await deliver(body, { signature: `t=${now},v1=abc` }))
    // The signature covers the raw body: the same JSON with other spacing is another body.
    assertUnauthorized(assert, await deliver(JSON.stringify(body, null, 2), { signature: signed }))
    assertUnauthorized(assert, await deliver({ ...body, status: 'failed' }, { signature: signed }))

    assert.equal((await payout.show()).status, 'PROCESSING')
    assert.deepEqual(await providerEvents(payout.payoutId), [])
    assert.deepEqual((await deliver(body, { signature: signed })).body, {
      received: true,
      applied: true,
    })
  })

  test('a timestamp more than 300 s away, in either direction, is refused', async ({
    client,
    assert,
  }) => {
    const payout = await processingPayout(client)
    const now = Math.floor(Date.now() / 1000)
    assertUnauthorized(assert, await deliver(event(payout.payoutId), { timestamp: now - 301 }))
    // The future edge comes closer while the test runs (a loaded machine takes seconds): keep a margin.
    assertUnauthorized(assert, await deliver(event(payout.payoutId), { timestamp: now + 330 }))
    assert.equal((await payout.show()).status, 'PROCESSING')
    const withinWindow = await deliver(event(payout.payoutId), { timestamp: now - 290 })
    assert.equal(withinWindow.status, 200)
  })

  test('during a rotation either configured secret is accepted', async ({ client, assert }) => {
    app.container.swap(
      ProviderWebhookSignature,
      () => new ProviderWebhookSignature(['new-secret', 'old-secret'], 300)
    )
    try {
      const first = await processingPayout(client)
      const second = await processingPayout(client)
      const third = await processingPayout(client)
      const viaOld = await deliver(event(first.payoutId), { secret: 'old-secret' })
      const viaNew = await deliver(event(second.payoutId), { secret: 'new-secret' })
      assert.deepEqual([viaOld.status, viaNew.status], [200, 200])
      assertUnauthorized(assert, await deliver(event(third.payoutId), { secret: SECRET }))
      assert.equal((await first.show()).status, 'COMPLETED')
      assert.equal((await second.show()).status, 'COMPLETED')
      assert.equal((await third.show()).status, 'PROCESSING')
    } finally {
      app.container.restore(ProviderWebhookSignature)
    }
  })

  test('the same event_id, repeated or concurrent, has one effect', async ({ client, assert }) => {
    const payout = await processingPayout(client)
    const failed = event(payout.payoutId, { status: 'failed', failure_code: 'account_closed' })

    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => deliver(failed)))
    responses.push(await deliver(failed))
    assert.deepEqual(
      responses.map((response) => response.status),
      [200, 200, 200, 200, 200, 200]
    )
    assert.equal(responses.filter((response) => response.body.applied).length, 1)

    const shown = await payout.show()
    assert.equal(shown.status, 'FAILED')
    assert.equal(shown.events.filter((e: any) => e.to_status === 'FAILED').length, 1)
    const releases = await db.rawQuery(
      `SELECT count(*)::int AS n FROM transactions WHERE payout_id = ? AND type = 'payout_release'`,
      [payout.payoutId]
    )
    assert.equal(releases.rows[0].n, 1)
    assert.equal(await payout.balance(), '490.00')
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('an event for a payout that is not PROCESSING changes nothing and is recorded as ignored', async ({
    client,
    assert,
  }) => {
    const payout = await processingPayout(client)
    await deliver(event(payout.payoutId))
    const completed = await payout.show()

    // A late failure for a completed payout must not release anything.
    const late = event(payout.payoutId, { status: 'failed', failure_code: 'account_closed' })
    assert.deepEqual(await deliver(late), { status: 200, body: { received: true, applied: false } })
    const after = await payout.show()
    assert.equal(after.status, 'COMPLETED')
    assert.equal(after.provider_reference, completed.provider_reference)
    assert.equal(await payout.balance(), '388.00')
    // It contradicts the payout, so operators see it on the timeline, with no status change.
    assert.lengthOf(after.events, completed.events.length + 1)
    assert.containsSubset(after.events.at(-1), {
      type: 'provider_contradiction',
      from_status: null,
      to_status: null,
      actor: 'provider',
      details: { event_id: late.event_id, reported: 'failed', payout_status: 'COMPLETED' },
    })
    assert.deepEqual(
      (await providerEvents(payout.payoutId)).map((row) => [row.status, row.outcome]),
      [
        ['succeeded', 'applied'],
        ['failed', 'ignored'],
      ]
    )

    // A NEW payout (never sent to the provider) is not moved either.
    const { token } = await tokenFor(['*'])
    const fresh = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: payout.accountId,
      amount: '1.00',
      currency: 'EUR',
      recipient_details: 'x',
    })
    const newResponse = await deliver(event(fresh.body().id))
    assert.deepEqual(newResponse.body, { received: true, applied: false })
    const freshShown = await client.get(`/api/v1/payouts/${fresh.body().id}`).bearerToken(token)
    assert.equal(freshShown.body().status, 'NEW')
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('a success for a payout we failed is flagged for reconciliation, not applied', async ({
    client,
    assert,
  }) => {
    const payout = await processingPayout(client)
    await deliver(event(payout.payoutId, { status: 'failed', failure_code: 'account_closed' }))
    assert.equal((await payout.show()).status, 'FAILED')
    assert.equal(await payout.balance(), '490.00')
    const before = await contradictionsCounted('succeeded')

    const paid = event(payout.payoutId)
    assert.deepEqual(await deliver(paid), { status: 200, body: { received: true, applied: false } })
    const shown = await payout.show()
    assert.equal(shown.status, 'FAILED')
    assert.equal(await payout.balance(), '490.00')
    assert.containsSubset(shown.events.at(-1), {
      type: 'provider_contradiction',
      actor: 'provider',
      details: {
        event_id: paid.event_id,
        provider_reference: paid.provider_reference,
        reported: 'succeeded',
        payout_status: 'FAILED',
      },
    })
    assert.equal(await contradictionsCounted('succeeded'), before + 1)
    // A repeat of the same event is not flagged again.
    await deliver(paid)
    assert.equal(await contradictionsCounted('succeeded'), before + 1)
    assert.deepEqual(await new CheckLedger().handle(), [])
  })

  test('an event for an unknown payout is answered 200 and ignored', async ({ assert }) => {
    for (const payoutId of [randomUUID(), 'not-a-uuid']) {
      const response = await deliver(event(payoutId))
      assert.deepEqual(response, { status: 200, body: { received: true, applied: false } })
      assert.deepEqual(
        (await providerEvents(payoutId)).map((row) => row.outcome),
        ['ignored']
      )
    }
  })

  test('a signed body that does not follow the contract is a 422', async ({ client, assert }) => {
    const payout = await processingPayout(client)
    const cases = [
      { ...event(payout.payoutId), status: 'refunded' },
      { ...event(payout.payoutId), event_id: '' },
      { payout_id: payout.payoutId, status: 'succeeded' },
    ]
    for (const body of cases) {
      const response = await deliver(body)
      assert.equal(response.status, 422)
      assert.equal(response.body.errors[0].code, 'E_VALIDATION_ERROR')
    }
    assert.equal((await payout.show()).status, 'PROCESSING')
    assert.deepEqual(await providerEvents(payout.payoutId), [])
  })

  test('no session, cookie or CSRF token is involved', async ({ client, assert }) => {
    const payout = await processingPayout(client)
    const raw = JSON.stringify(event(payout.payoutId))
    const response = await client
      .post('/webhooks/provider')
      .header('Provider-Signature', new ProviderWebhookSignature([SECRET]).sign(raw))
      .type('application/json')
      .unsafeJson(raw)
    response.assertStatus(200)
    assert.isUndefined(response.header('set-cookie'))
  })
})

test.group('Provider webhooks: end to end with the mock provider', (group) => {
  let provider: MockProviderServer
  group.each.setup(async () => {
    await truncate(
      'provider_events',
      'payout_events',
      'payouts',
      'transactions',
      'accounts',
      'outbox_messages'
    )
    provider = await startMockProvider({
      webhookUrl: WEBHOOK_URL,
      webhookSecret: SECRET,
      webhookDelayMs: 100,
    })
    return () => provider.stop()
  })

  test('an async payout completes when the provider calls back', async ({ client, assert }) => {
    const payout = await processingPayout(client, 'async recipient')
    const result = await clientFor(provider).pay(payRequest('async recipient', payout.payoutId))
    assert.equal(result.kind, 'pending')

    const completed = await eventually(async () => {
      const shown = await payout.show()
      return shown.status === 'COMPLETED' ? shown : null
    })
    assert.equal(
      completed.provider_reference,
      (result as { providerReference: string }).providerReference
    )
    assert.equal(await payout.balance(), '388.00')
    const stats = (await (await fetch(`${provider.url}/stats`)).json()) as Record<string, number>
    assert.containsSubset(stats, { payments: 1, webhooks_delivered: 1, webhook_failures: 0 })
  })
})
