import { test } from '@japa/runner'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { ProviderClient } from '#infrastructure/provider/provider_client'
import { ProviderWebhookSignature } from '#infrastructure/provider/webhook_signature'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import {
  TEST_WEBHOOK_SECRET,
  clientFor,
  inquiry,
  payRequest,
  startMockProvider,
  startReceiver,
  statsOf,
} from '#tests/support/provider'
import { eventually } from '#tests/support/eventually'

test.group('Mock provider and provider client', (group) => {
  let provider: MockProviderServer
  group.each.setup(async () => {
    provider = await startMockProvider()
    return () => provider.stop()
  })

  test('an ordinary recipient succeeds, once, with a reference', async ({ assert }) => {
    const client = clientFor(provider)
    const request = payRequest('IBAN DE89 3704 0044 0532 0130 00')
    const result = await client.pay(request)
    assert.equal(result.kind, 'succeeded')
    assert.match((result as { providerReference: string }).providerReference, /^prv_/)

    assert.deepEqual(await client.status(request.payoutId), result)
    const record = await inquiry(provider, request.payoutId)
    assert.deepEqual(record, {
      status: 200,
      body: {
        payout_id: request.payoutId,
        status: 'succeeded',
        provider_reference: (result as { providerReference: string }).providerReference,
        payments: 1,
      },
    })
  })

  test('decline is a permanent decline with a failure code; money never moves', async ({
    assert,
  }) => {
    const client = clientFor(provider)
    const request = payRequest('decline: closed account')
    const result = await client.pay(request)
    assert.deepEqual(result, {
      kind: 'declined',
      failureCode: 'account_closed',
      failureMessage: 'The recipient account is closed',
    })
    assert.deepEqual(await client.pay(request), result)
    assert.deepEqual(await client.status(request.payoutId), result)
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 0)
  })

  test('flaky fails transiently twice, then succeeds', async ({ assert }) => {
    const client = clientFor(provider)
    const request = payRequest('flaky bank')
    const first = await client.pay(request)
    assert.deepEqual(first, { kind: 'transient', reason: 'HTTP 503 temporarily_unavailable' })
    assert.deepEqual(await client.status(request.payoutId), { kind: 'not_found' })
    assert.equal((await client.pay(request)).kind, 'transient')
    const third = await client.pay(request)
    assert.equal(third.kind, 'succeeded')
    assert.deepEqual(await client.status(request.payoutId), third)
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 1)
  })

  test('down fails transiently every time and is never accepted', async ({ assert }) => {
    const client = clientFor(provider)
    const request = payRequest('down for maintenance')
    for (let attempt = 0; attempt < 6; attempt++) {
      assert.equal((await client.pay(request)).kind, 'transient')
    }
    assert.deepEqual(await client.status(request.payoutId), { kind: 'not_found' })
    assert.deepEqual(await inquiry(provider, request.payoutId), {
      status: 404,
      body: { status: 'not_found' },
    })
  })

  test('slow pays but answers after the client timeout; status and a retry say succeeded, paid once', async ({
    assert,
  }) => {
    const client = clientFor(provider, 200)
    const request = payRequest('slow network')
    const startedAt = Date.now()
    const first = await client.pay(request)
    assert.equal(first.kind, 'transient')
    assert.match((first as { reason: string }).reason, /^timeout/)
    assert.isBelow(Date.now() - startedAt, 550)

    const status = await client.status(request.payoutId)
    assert.equal(status.kind, 'succeeded')
    const retry = await client.pay(request)
    assert.deepEqual(retry, status)
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 1)
    assert.containsSubset(await statsOf(provider), { payments: 1, duplicates_refused: 1 })
  })

  test('the same payout id twice, even concurrently, pays once with one reference', async ({
    assert,
  }) => {
    const client = clientFor(provider)
    const request = payRequest('someone')
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.pay(request)))
    results.push(await client.pay(request))
    const references = new Set(
      results.map((result) => {
        assert.equal(result.kind, 'succeeded')
        return (result as { providerReference: string }).providerReference
      })
    )
    assert.equal(references.size, 1)
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 1)
    assert.deepEqual(await statsOf(provider), {
      payouts: 1,
      payments: 1,
      duplicates_refused: 5,
      webhooks_delivered: 0,
      webhook_failures: 0,
    })
  })

  test('a payout id reused with other data is refused, and not as a decline', async ({
    assert,
  }) => {
    const client = clientFor(provider)
    const request = payRequest('someone')
    assert.equal((await client.pay(request)).kind, 'succeeded')
    const reused = await client.pay({ ...request, amount: '200.00' })
    assert.equal(reused.kind, 'transient')
    assert.match((reused as { reason: string }).reason, /idempotency_key_reused/)
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 1)
  })

  test('requests are checked: Idempotency-Key must be the payout id', async ({ assert }) => {
    const send = (headers: Record<string, string>, body: unknown) =>
      fetch(`${provider.url}/payouts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      })
    const body = { payout_id: 'p-1', amount: '1.00', currency: 'EUR', recipient_details: 'x' }
    assert.equal((await send({}, body)).status, 400)
    assert.equal((await send({ 'Idempotency-Key': 'p-2' }, body)).status, 400)
    assert.equal((await send({ 'Idempotency-Key': 'p-1' }, { ...body, amount: 1 })).status, 400)
    assert.equal((await send({ 'Idempotency-Key': 'p-1' }, body)).status, 200)
    assert.equal((await fetch(`${provider.url}/health`)).status, 200)
    assert.equal((await fetch(`${provider.url}/nothing`)).status, 404)
  })
})

test.group('Mock provider: async results and callbacks', (group) => {
  const cleanups: (() => Promise<void>)[] = []
  group.each.teardown(async () => {
    while (cleanups.length) await cleanups.pop()!()
  })

  test('async is pending, then a signed webhook announces success', async ({ assert }) => {
    const receiver = await startReceiver()
    const provider = await startMockProvider({ webhookUrl: receiver.url, webhookDelayMs: 150 })
    cleanups.push(receiver.close, () => provider.stop())
    const client = clientFor(provider)
    const request = payRequest('async transfer')

    const accepted = await client.pay(request)
    assert.equal(accepted.kind, 'pending')
    const reference = (accepted as { providerReference: string }).providerReference
    assert.deepEqual(await client.status(request.payoutId), accepted)
    assert.deepEqual(await client.pay(request), accepted)
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 0)

    const delivery = await eventually(async () => receiver.received[0])
    const event = JSON.parse(delivery.body)
    assert.deepEqual(Object.keys(event).sort(), [
      'event_id',
      'payout_id',
      'provider_reference',
      'status',
    ])
    assert.containsSubset(event, {
      payout_id: request.payoutId,
      provider_reference: reference,
      status: 'succeeded',
    })
    assert.equal(delivery.headers['content-type'], 'application/json')
    const header = delivery.headers['provider-signature'] as string
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/)
    assert.isTrue(new ProviderWebhookSignature([TEST_WEBHOOK_SECRET]).verify(header, delivery.body))
    assert.isFalse(new ProviderWebhookSignature(['another']).verify(header, delivery.body))

    assert.deepEqual(await client.status(request.payoutId), {
      kind: 'succeeded',
      providerReference: reference,
    })
    assert.equal((await inquiry(provider, request.payoutId)).body.payments, 1)
    assert.lengthOf(receiver.received, 1)
  })

  test('a webhook the app does not take is retried with the same event id', async ({ assert }) => {
    const receiver = await startReceiver([503, 500])
    const provider = await startMockProvider({ webhookUrl: receiver.url, webhookDelayMs: 10 })
    cleanups.push(receiver.close, () => provider.stop())
    await clientFor(provider).pay(payRequest('async'))

    await eventually(async () => receiver.received.length === 3)
    const ids = receiver.received.map((delivery) => JSON.parse(delivery.body).event_id)
    assert.equal(new Set(ids).size, 1)
    assert.containsSubset(await statsOf(provider), { webhooks_delivered: 1, webhook_failures: 2 })
  })

  test('an unreachable app is retried a bounded number of times', async ({ assert }) => {
    const receiver = await startReceiver()
    await receiver.close()
    const provider = await startMockProvider({
      webhookUrl: receiver.url,
      webhookDelayMs: 10,
      webhookAttempts: 3,
      webhookRetryBaseMs: 10,
    })
    cleanups.push(() => provider.stop())
    await clientFor(provider).pay(payRequest('async'))
    await eventually(async () => (await statsOf(provider)).webhook_failures === 3)
    assert.containsSubset(await statsOf(provider), { payments: 1, webhooks_delivered: 0 })
  })
})

test.group('Mock provider: random rates', (group) => {
  const cleanups: (() => Promise<void>)[] = []
  group.each.teardown(async () => {
    while (cleanups.length) await cleanups.pop()!()
  })

  test('with both rates at 0 every ordinary payout succeeds', async ({ assert }) => {
    const provider = await startMockProvider()
    cleanups.push(() => provider.stop())
    const client = clientFor(provider)
    const results = await Promise.all(
      Array.from({ length: 40 }, () => client.pay(payRequest('ordinary')))
    )
    assert.deepEqual(new Set(results.map((result) => result.kind)), new Set(['succeeded']))
    assert.containsSubset(await statsOf(provider), { payouts: 40, payments: 40 })
  })

  test('the error rate adds transient errors, the decline rate declines', async ({ assert }) => {
    const failing = await startMockProvider({ errorRate: 1 })
    const declining = await startMockProvider({ declineRate: 1 })
    cleanups.push(
      () => failing.stop(),
      () => declining.stop()
    )
    assert.equal((await clientFor(failing).pay(payRequest('ordinary'))).kind, 'transient')
    assert.deepEqual(await clientFor(declining).pay(payRequest('ordinary')), {
      kind: 'declined',
      failureCode: 'do_not_honor',
      failureMessage: 'The recipient bank refused the transfer',
    })

    // A draw of 0.3 is under an error rate of 0.5: the first try fails, the next one (0.7) does not.
    const draws = [0.3, 0.7, 0.9]
    const sometimes = await startMockProvider({ errorRate: 0.5, random: () => draws.shift()! })
    cleanups.push(() => sometimes.stop())
    const request = payRequest('ordinary')
    assert.equal((await clientFor(sometimes).pay(request)).kind, 'transient')
    assert.equal((await clientFor(sometimes).pay(request)).kind, 'succeeded')
  })

  test('latency delays the answers', async ({ assert }) => {
    const provider = await startMockProvider({ latencyMs: 150 })
    cleanups.push(() => provider.stop())
    const startedAt = Date.now()
    assert.equal((await clientFor(provider).pay(payRequest('x'))).kind, 'succeeded')
    assert.isAtLeast(Date.now() - startedAt, 140)
  })
})

test.group('Provider client: transport failures', (group) => {
  const cleanups: (() => Promise<void>)[] = []
  group.each.teardown(async () => {
    while (cleanups.length) await cleanups.pop()!()
  })

  /* A server answering every request with `status` and `body`, as some broken provider might. */
  async function answering(status: number, body: string) {
    const server = createServer((_, response) => {
      response.writeHead(status, { 'Content-Type': 'application/json' })
      response.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
  }

  test('a refused connection is transient', async ({ assert }) => {
    const provider = await startMockProvider()
    const url = provider.url
    await provider.stop()
    const client = new ProviderClient({ url, timeoutMs: 1000 })
    assert.deepEqual(await client.pay(payRequest('x')), {
      kind: 'transient',
      reason: 'unreachable: connection refused',
    })
    assert.equal((await client.status(randomUUID())).kind, 'transient')
  })

  test('malformed or unexpected answers are transient, never a decision', async ({ assert }) => {
    // [HTTP status, body, also transient for status()]: a 200 "declined" is a valid inquiry answer.
    const cases: [number, string, boolean][] = [
      [200, 'not json', true],
      [200, '{"status":"succeeded"}', true],
      [200, '{"status":"declined","failure_code":"x"}', false],
      [202, '{"status":"succeeded","provider_reference":"prv_1"}', true],
      [422, '{"status":"declined"}', true],
      [400, '{"error":"invalid_request"}', true],
      [409, '{"error":"idempotency_key_reused"}', true],
      [404, '{"error":"not_found"}', true],
      [500, '[]', true],
    ]
    for (const [status, body, statusTransient] of cases) {
      const client = clientFor(await answering(status, body))
      const paid = await client.pay(payRequest('x'))
      assert.equal(paid.kind, 'transient', `pay: ${status} ${body}`)
      const asked = await client.status('p-1')
      assert.equal(asked.kind === 'transient', statusTransient, `status: ${status} ${body}`)
    }
  })

  test('calls are timed in provider_call_duration_seconds by operation and outcome', async ({
    assert,
  }) => {
    const provider = await startMockProvider()
    cleanups.push(() => provider.stop())
    const client = clientFor(provider)
    await client.pay(payRequest('decline'))
    await client.status(randomUUID())
    const text = await metricsRegistry.getSingleMetricAsString('provider_call_duration_seconds')
    assert.match(
      text,
      /provider_call_duration_seconds_count\{operation="pay",outcome="declined"\} \d+/
    )
    assert.match(
      text,
      /provider_call_duration_seconds_count\{operation="status",outcome="not_found"\} \d+/
    )
  })
})
