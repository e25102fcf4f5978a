import { randomBytes, randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { AccountFactory } from '#database/factories/account_factory'
import { direct } from '#infrastructure/database/direct'
import { outboxInsertSql, type OutboxRow } from '#infrastructure/outbox/outbox'
import { tokenFor, truncatePayoutTables } from '#tests/helpers'
import { eventually } from '#tests/support/eventually'
import { waitUntilSettled } from '#tests/support/processing'
import { freePort, startAppProcess, type AppProcess } from '#tests/support/app_processes'
import { KIND, startOtlpReceiver, type ReceivedSpan } from '#tests/support/otlp_receiver'

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>

function newTraceparent() {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`
}

const routingKeyOf = (span: ReceivedSpan) =>
  String(
    span.attributes['messaging.rabbitmq.destination.routing_key'] ??
      span.attributes['messaging.rabbitmq.routing_key'] ??
      ''
  )
const isPostgres = (span: ReceivedSpan) =>
  span.attributes['db.system.name'] === 'postgresql' ||
  span.attributes['db.system'] === 'postgresql'
const isRabbit = (span: ReceivedSpan) =>
  span.attributes['messaging.system'] === 'rabbitmq' &&
  (span.kind === KIND.producer || span.kind === KIND.consumer)

/*
 * Web, worker and mock provider as their own processes, exporting their spans
 * over OTLP/HTTP JSON to a receiver in this test, configured the way an
 * operator would: the standard OTEL_* variables and nothing else.
 */
test.group('Tracing | one trace per payout across web, worker and provider', (group) => {
  let receiver: Receiver
  let processes: AppProcess[] = []
  let web: string
  let otel: Record<string, string>

  group.setup(async () => {
    await truncatePayoutTables()
    receiver = await startOtlpReceiver()
    const webPort = await freePort()
    web = `http://127.0.0.1:${webPort}`
    otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    }
    processes = [
      startAppProcess('provider', {
        ...otel,
        MOCK_PROVIDER_WEBHOOK_URL: `${web}/webhooks/provider`,
        MOCK_PROVIDER_WEBHOOK_DELAY_MS: '200',
      }),
      startAppProcess('web', { ...otel, HOST: '127.0.0.1', PORT: String(webPort) }),
      startAppProcess('worker', otel),
    ]
    const stopAll = async () => {
      await Promise.all(processes.map((process) => process.stop()))
      await receiver.close()
    }
    // Stopped even when they never come up, so a failed start leaves no process behind.
    try {
      const [provider, , worker] = processes
      await eventually(
        async () => {
          const live = await fetch(`${web}/health/live`).catch(() => null)
          const mock = await fetch(`${payoutsConfig.provider.url}/stats`).catch(() => null)
          return live?.ok && mock?.ok && worker.lines.some((line) => line.includes('consuming'))
        },
        90_000,
        `web, worker and mock provider to start (provider said: ${provider.lines.slice(-3)})`
      )
    } catch (error) {
      await stopAll()
      throw error
    }
    return stopAll
  })

  test('a row a crash left unpublished keeps its trace: the relay publishes it under the stored traceparent', async ({
    assert,
  }) => {
    // Written and committed, never published: what a crash right after COMMIT leaves.
    const insert = outboxInsertSql([
      { exchange: 'payouts.events', routingKey: 'trace.relay_test', payload: { relayed: true } },
    ])
    const [row] = await direct.transaction(
      async (trx) => (await trx.rawQuery(insert.sql, insert.bindings)).rows as OutboxRow[]
    )
    const [, traceId, spanId] = row.headers.traceparent.split('-')

    // The web process and the worker both relay what is left behind; either may take it.
    const publish = await eventually(
      () =>
        receiver.spans.find(
          (s) => s.kind === KIND.producer && s.attributes['messaging.message.id'] === row.message_id
        ),
      15_000,
      'a relay to publish the row'
    )
    assert.include(['payouts-web', 'payouts-worker'], publish.service)
    assert.equal(publish.traceId, traceId)
    assert.equal(publish.parentSpanId, spanId)
  }).timeout(60_000)

  test('plain, async, flaky and down payouts: each one trace from the request to the provider and back', async ({
    assert,
  }) => {
    const { token } = await tokenFor(['payouts:write'])
    const account = await AccountFactory.merge({ balance: 10_000_000n }).create()
    const clientTrace = newTraceparent()
    const create = async (recipient: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${web}/api/v1/payouts`, {
        method: 'POST',
        headers: {
          'Authorization': `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': randomUUID(),
          ...headers,
        },
        body: JSON.stringify({
          account_id: account.id,
          amount: '10.00',
          currency: account.currency,
          recipient_details: recipient,
        }),
      })
      assert.equal(response.status, 201, await response.clone().text())
      return ((await response.json()) as { id: string }).id
    }
    const plain = await create('IBAN traced plain', { traceparent: clientTrace })
    const async = await create('async IBAN traced')
    const flaky = await create('flaky IBAN traced')
    const down = await create('down IBAN traced')

    const settled = await waitUntilSettled([plain, async, flaky, down], 60_000)
    assert.equal(settled.get(plain)!.status, 'COMPLETED')
    assert.equal(settled.get(async)!.status, 'COMPLETED')
    assert.equal(settled.get(flaky)!.status, 'COMPLETED')
    assert.equal(settled.get(down)!.status, 'FAILED')

    const stored = await db.rawQuery(`SELECT id, traceparent FROM payouts`)
    const traceIdOf = new Map<string, string>(
      stored.rows.map((row: { id: string; traceparent: string }) => [
        row.id,
        row.traceparent.split('-')[1],
      ])
    )
    // The client's traceparent was honoured: the payout lives in the caller's trace.
    assert.equal(traceIdOf.get(plain), clientTrace.split('-')[1])

    const inTrace = (id: string) => receiver.spans.filter((s) => s.traceId === traceIdOf.get(id))
    const consumed = (id: string, queue: string) =>
      inTrace(id).filter(
        (s) => s.kind === KIND.consumer && s.service === 'payouts-worker' && queueOf(s) === queue
      )
    // The last spans of each story (batched export) have arrived.
    await eventually(
      () =>
        consumed(plain, 'payouts.process').length >= 1 &&
        consumed(flaky, 'payouts.process').length >= 3 &&
        consumed(down, 'payouts.dead').length >= 1 &&
        inTrace(async).some((s) => s.name === 'provider webhook apply'),
      20_000,
      'the spans of every payout'
    )

    for (const id of [plain, async, flaky, down]) {
      const spans = inTrace(id)
      const services = new Set(spans.map((s) => s.service))
      assert.includeMembers([...services], ['payouts-web', 'payouts-worker'], id)

      // HTTP request → publish of payout.process → consume → provider call (→ the provider).
      const request = spans.find(
        (s) =>
          s.kind === KIND.server && s.service === 'payouts-web' && s.attributes['payout.id'] === id
      )
      assert.exists(request, `the create request's span of ${id}`)
      assert.equal(request!.attributes['account.id'], account.id)
      const publish = spans.find(
        (s) =>
          s.kind === KIND.producer &&
          s.parentSpanId === request!.spanId &&
          routingKeyOf(s) === 'payout.process'
      )
      assert.exists(publish, `the publish of payout.process as a child of the request (${id})`)
      const consume = spans.find(
        (s) => s.kind === KIND.consumer && s.parentSpanId === publish!.spanId
      )
      assert.exists(consume, `the worker's consume span as a child of the publish (${id})`)
      assert.equal(consume!.service, 'payouts-worker')
      assert.equal(consume!.attributes['payout.id'], id)
      const providerCall = spans.find(
        (s) =>
          s.kind === KIND.client &&
          s.parentSpanId === consume!.spanId &&
          String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').includes('/payouts')
      )
      assert.exists(providerCall, `the provider call as a child of the consume span (${id})`)
      assert.isTrue(
        spans.some(
          (s) => s.service === 'payouts-provider-mock' && s.parentSpanId === providerCall!.spanId
        ),
        `the provider's own span continues the call (${id})`
      )
      // Database and broker spans of both processes. The request's own statements: the
      // create alone; its Idempotency-Key claim and seal, BEGIN, COMMIT and audit row are
      // bookkeeping that records no span (docs/observability.md).
      const requestStatements = spans
        .filter((s) => isPostgres(s) && s.parentSpanId === request!.spanId)
        .map((s) => String(s.attributes['db.query.text'] ?? s.attributes['db.statement']))
      assert.isTrue(
        requestStatements.some((sql) => /INSERT INTO payouts/.test(sql)),
        `${id}: the create statement has its span`
      )
      assert.notMatch(
        requestStatements.join('\n'),
        /idempotency_keys|audit_log|^\s*(BEGIN|COMMIT)\b/im,
        `${id}: no span for the bookkeeping`
      )
      assert.isTrue(
        spans.some((s) => isPostgres(s) && s.service === 'payouts-worker'),
        id
      )
      assert.isTrue(spans.some(isRabbit), id)
    }

    // Each retry hop through the delay queues is published from the attempt that failed and
    // consumed as the next attempt, in the same trace.
    for (const id of [flaky, down]) {
      const spans = inTrace(id)
      const hops = spans.filter(
        (s) => s.kind === KIND.producer && routingKeyOf(s).startsWith('payouts.process.retry')
      )
      assert.isAtLeast(hops.length, 2, `retry hops of ${id}`)
      for (const hop of hops) {
        const from = spans.find((s) => s.spanId === hop.parentSpanId)
        assert.equal(from?.kind, KIND.consumer, `a hop is published by the attempt's consume span`)
      }
      const retried = spans.filter(
        (s) => s.kind === KIND.consumer && hops.some((hop) => hop.spanId === s.parentSpanId)
      )
      assert.isAtLeast(retried.length, 2, `attempts consumed from the retry hops of ${id}`)
    }
    assert.equal(
      consumed(flaky, 'payouts.process').at(-1)?.attributes['payout.outcome'],
      'completed'
    )

    // The dead-letter mirror continues the payout's trace.
    const [mirror] = consumed(down, 'payouts.dead')
    const deadLettered = inTrace(down).find((s) => s.spanId === mirror.parentSpanId)
    assert.equal(deadLettered?.kind, KIND.producer)
    assert.equal(routingKeyOf(deadLettered!), 'payouts.dead')
    const lastAttempt = inTrace(down).find((s) => s.spanId === deadLettered!.parentSpanId)
    assert.equal(lastAttempt?.kind, KIND.consumer, 'dead-lettered by the last attempt')

    // The provider's webhook carries no trace context: its effect joins the payout's trace
    // under the create request's span and links the callback's own request span.
    const apply = inTrace(async).find((s) => s.name === 'provider webhook apply')!
    const createRequest = inTrace(async).find(
      (s) => s.kind === KIND.server && s.attributes['payout.id'] === async
    )!
    assert.equal(apply.service, 'payouts-web')
    assert.equal(apply.parentSpanId, createRequest.spanId)
    assert.lengthOf(apply.links, 1)
    const callback = receiver.spans.find((s) => s.spanId === apply.links[0].spanId)
    assert.equal(callback?.kind, KIND.server)
    assert.notEqual(callback?.traceId, apply.traceId)
    assert.isTrue(
      inTrace(async).some((s) => isPostgres(s) && s.parentSpanId === apply.spanId),
      'the webhook transaction runs in the payout trace'
    )
    // The live pages' feed hears every payout event and traces none of them.
    assert.isFalse(
      receiver.spans.some((s) => s.name.startsWith('payouts.live.')),
      'no span for the live feed'
    )
  }).timeout(180_000)

  test("a log line written while handling a request carries that request's trace id", async ({
    assert,
  }) => {
    const { token } = await tokenFor(['payouts:read'])
    const traceparent = newTraceparent()
    const requestId = `trace-log-${randomUUID()}`
    const response = await fetch(`${web}/api/v1/me`, {
      headers: { 'Authorization': `Bearer ${token}`, 'X-Request-Id': requestId, traceparent },
    })
    assert.equal(response.status, 200)

    const webProcess = processes[1]
    const lines = await eventually(
      () => {
        const found = webProcess.json().filter((line) => line.request_id === requestId)
        return found.length > 0 ? found : null
      },
      10_000,
      'the log lines of the request'
    )
    for (const line of lines) {
      assert.equal(line.trace_id, traceparent.split('-')[1])
      assert.match(String(line.span_id), /^[\da-f]{16}$/)
    }
  }).timeout(30_000)
})

/* The amqplib instrumentation names a consume span `<queue> process`. */
function queueOf(span: ReceivedSpan) {
  return span.name.replace(/ process$/, '')
}
