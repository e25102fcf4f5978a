import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import rabbitmqConfig from '#config/rabbitmq'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { postEntry } from '#infrastructure/ledger/ledger'
import { CheckLedger } from '#queries/ledger/check_ledger'
import type { MetricsSnapshot } from '#actions/monitoring/collect_metrics'
import { UserFactory } from '#database/factories/user_factory'
import { DeadLetterFactory } from '#database/factories/dead_letter_factory'
import { newBroker } from '#tests/support/broker'

/*
 * Payouts written straight into the database ten minutes ago, so they land in
 * one minute of the series that no other test writes to. The ledger stays
 * consistent for CheckLedger: a deposit, then a hold kept by each completed
 * payout; the failed one holds nothing.
 */
async function seedMinute() {
  const minute = (
    await db.rawQuery(`SELECT date_trunc('minute', now()) - interval '10 minutes' AS at`)
  ).rows[0].at as Date
  const at = (seconds: number) => new Date(minute.getTime() + seconds * 1000)
  const account = randomUUID()
  await db.table('accounts').insert({ id: account, external_ref: `m-${account}`, currency: 'EUR' })
  const payouts = [
    { status: 'COMPLETED', created: at(5), completed: at(7) }, // 2 s
    { status: 'COMPLETED', created: at(10), completed: at(14) }, // 4 s
    { status: 'FAILED', created: at(20), completed: null },
  ].map((p) => ({ ...p, id: randomUUID() }))
  for (const p of payouts) {
    await db.table('payouts').insert({
      id: p.id,
      account_id: account,
      amount: 1000,
      fee: 20,
      currency: 'EUR',
      status: p.status,
      recipient_details: 'metrics-test',
      created_at: p.created,
      completed_at: p.completed,
    })
    const events = [
      { type: 'created', to_status: 'NEW', created_at: p.created },
      { type: 'processing', to_status: 'PROCESSING', created_at: at(30) },
    ]
    if (p.status === 'COMPLETED') {
      events.push({ type: 'completed', to_status: 'COMPLETED', created_at: p.completed! })
    } else {
      events.push({ type: 'retry_scheduled', to_status: null as any, created_at: at(31) })
      events.push({ type: 'retry_scheduled', to_status: null as any, created_at: at(32) })
      events.push({ type: 'failed', to_status: 'FAILED', created_at: at(40) })
    }
    for (const event of events) {
      await db.table('payout_events').insert({ payout_id: p.id, actor: 'test', ...event })
    }
  }
  await db.transaction(async (trx) => {
    await postEntry(trx, { accountId: account, type: 'deposit', amount: 10_000n, fee: 0n })
    for (const p of payouts.filter((payout) => payout.status === 'COMPLETED')) {
      await postEntry(trx, {
        accountId: account,
        type: 'payout_hold',
        amount: -1020n,
        fee: 20n,
        payoutId: p.id,
      })
    }
  })
  return { minute: minute.toISOString(), payouts }
}

function bucket(snapshot: MetricsSnapshot, minute: string) {
  const index = snapshot.series.minutes.indexOf(minute)
  const { series } = snapshot
  return {
    created: series.created[index],
    completed: series.completed[index],
    failed: series.failed[index],
    retries: series.retries[index],
    p50: series.p50_ms[index],
    p95: series.p95_ms[index],
  }
}

test.group('Dashboard: metrics', () => {
  test('the page and its data need a session', async ({ client, assert }) => {
    for (const path of ['/monitoring', '/monitoring/data']) {
      const response = await client.get(path).redirects(0)
      assert.notEqual(response.status(), 200)
      assert.notProperty(response.body() ?? {}, 'series')
    }
  })

  test('/monitoring/data returns an hour of per-minute series and the current figures', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const response = await client.get('/monitoring/data').loginAs(viewer)
    response.assertStatus(200)
    const body = response.body() as MetricsSnapshot

    assert.equal(body.window_minutes, 60)
    for (const key of [
      'minutes',
      'created',
      'completed',
      'failed',
      'retries',
      'p50_ms',
      'p95_ms',
    ]) {
      assert.lengthOf(body.series[key as keyof MetricsSnapshot['series']], 60, key)
    }
    const times = body.series.minutes.map((minute) => Date.parse(minute))
    times.slice(1).forEach((time, index) => assert.equal(time - times[index], 60_000))
    assert.isAtMost(Date.now() - times[59], 60_000)
    assert.containsSubset(body, {
      totals: {},
      dead_letters: {},
      outbox: {},
      queues: { available: true },
    })
    assert.isNumber(body.dead_letters.open)
    assert.isNumber(body.outbox.pending)
    const names = body.queues.items.map((queue) => queue.name)
    assert.includeMembers(names, [
      TOPOLOGY.queues.process,
      TOPOLOGY.queues.payOrder,
      TOPOLOGY.queues.dead,
      ...TOPOLOGY.retryQueues,
    ])
    for (const queue of body.queues.items) {
      assert.isNumber(queue.messages, queue.name)
      assert.isNumber(queue.consumers, queue.name)
    }
  })

  test('counts, percentiles, open dead letters and outbox lag come from the database', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const read = async () =>
      (await client.get('/monitoring/data').loginAs(viewer)).body() as MetricsSnapshot
    const before = await read()
    const { minute, payouts } = await seedMinute()
    await DeadLetterFactory.merge({
      payload: { payout_id: payouts[2].id },
      payoutId: payouts[2].id,
    }).create()
    const outboxId = `metrics-${randomUUID()}`
    await db.rawQuery(
      `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, created_at)
       VALUES (?, 'payouts.events', 'metrics.test', '{}'::jsonb, now() - interval '90 seconds')`,
      [outboxId]
    )

    try {
      const after = await read()
      const was = bucket(before, minute)
      const now = bucket(after, minute)
      assert.deepEqual(
        {
          created: now.created - was.created,
          completed: now.completed - was.completed,
          failed: now.failed - was.failed,
          retries: now.retries - was.retries,
        },
        { created: 3, completed: 2, failed: 1, retries: 2 }
      )
      // Only this test completes payouts in that minute: 2 s and 4 s.
      assert.equal(now.p50, 3000)
      assert.equal(now.p95, 3900)
      assert.equal(after.totals.created - before.totals.created, 3)
      assert.equal(after.dead_letters.open - before.dead_letters.open, 1)
      assert.isAtLeast(after.outbox.pending, 1)
      assert.isAtLeast(after.outbox.oldest_age_seconds!, 89)
      const offences = await new CheckLedger().handle()
      assert.deepEqual(
        offences.filter((offence) => payouts.some((p) => offence.problem.includes(p.id))),
        []
      )
    } finally {
      await db.from('outbox_messages').where('message_id', outboxId).delete()
    }
  })

  test('with RabbitMQ down the queues are unavailable and the rest still answers', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const down = newBroker({ url: 'amqp://guest:guest@127.0.0.1:1' })
    app.container.swap(BrokerConnection, () => down)
    try {
      const started = Date.now()
      const response = await client.get('/monitoring/data').loginAs(viewer)
      response.assertStatus(200)
      const body = response.body() as MetricsSnapshot
      assert.isFalse(body.queues.available)
      assert.isString((body.queues as { error: string }).error)
      assert.isTrue(body.queues.items.every((queue) => queue.messages === null))
      assert.lengthOf(body.series.created, 60)
      assert.isBelow(Date.now() - started, 5000)

      const page = await client.get('/monitoring').loginAs(viewer)
      page.assertStatus(200)
      page.assertTextIncludes('RabbitMQ unavailable')
    } finally {
      app.container.restore(BrokerConnection)
      await down.close()
    }
  })

  test('the page shows the figures, links RabbitMQ and /metrics, and loads Chart.js locally', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const page = await client.get('/monitoring').loginAs(viewer)
    page.assertStatus(200)
    const html = page.text()
    assert.include(html, `href="${rabbitmqConfig.managementUrl}"`)
    assert.include(html, 'href="/metrics"')
    assert.include(html, '<script src="/vendor/chart.umd.min.js"')
    assert.notMatch(html, /<script[^>]+src="https?:/)
    for (const chart of ['throughput', 'latency', 'retries', 'queues']) {
      assert.include(html, `data-chart="${chart}"`)
    }
    const embedded = /<script type="application\/json" id="metrics-data">([\s\S]*?)<\/script>/.exec(
      html
    )
    assert.lengthOf((JSON.parse(embedded![1]) as MetricsSnapshot).series.minutes, 60)

    const script = await client.get('/vendor/chart.umd.min.js')
    script.assertStatus(200)
    assert.include(script.text(), 'window.Chart')
    for (const file of ['chart.js', '..%2Fpackage.json', 'app.css']) {
      ;(await client.get(`/vendor/${file}`)).assertStatus(404)
    }
  })
})
