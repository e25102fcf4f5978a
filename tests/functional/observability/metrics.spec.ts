import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { metricsRegistry } from '#infrastructure/metrics/registry'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { truncateMoney } from '#tests/support/dashboard'
import { eventually } from '#tests/support/eventually'

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const promtoolMissing = spawnSync('promtool', ['--version']).error !== undefined

/* Every `metrics.ts` under app/infrastructure, so metrics added later are linted too. */
async function scrape(client: ApiClient) {
  const response = await client.get('/metrics')
  return response.text()
}

async function loadFeatureMetrics() {
  const root = app.makePath('app/infrastructure')
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('/metrics.ts') || file === 'metrics.ts'
  )
  for (const file of files) {
    await import(`#infrastructure/${file.replace(/\.ts$/, '')}`)
  }
  return files
}

function durationCounts(text: string) {
  return text.split('\n').filter((line) => line.startsWith('http_request_duration_seconds_count'))
}

test.group('Metrics | GET /metrics', () => {
  test('Prometheus text with the HTTP histogram and process metrics', async ({
    client,
    assert,
  }) => {
    await client.get('/health/live')
    const response = await client.get('/metrics')

    response.assertStatus(200)
    assert.match(String(response.header('content-type')), /^text\/plain; version=0\.0\.4/)
    assert.include(response.text(), '# TYPE http_request_duration_seconds histogram')
    assert.include(response.text(), '# TYPE process_cpu_seconds_total counter')
    assert.include(
      durationCounts(response.text()).join('\n'),
      'method="GET",route="/health/live",status_code="200"'
    )
  })

  test('routes are labelled by pattern; unmatched URLs share one label', async ({
    client,
    assert,
  }) => {
    const marker = randomUUID()
    await client.get(`/api/v1/accounts/${marker}`)
    await client.get(`/no-such-page-${marker}`)
    await client.get(`/api/v1/${marker}/deeper`)

    const text = await scrape(client)

    assert.notInclude(text, marker)
    const counts = durationCounts(text).join('\n')
    assert.include(counts, 'route="/api/v1/accounts/:id",status_code="401"')
    assert.include(counts, 'method="GET",route="unmatched",status_code="404"')
  })

  test('a spoofed or malformed _method cannot mint method labels', async ({ client, assert }) => {
    await client.post('/api/v1/me').qs({ _method: 'BOGUSMETHOD' })
    await client.post('/api/v1/me').unsafeQs('_method[]=x')
    await client.post('/api/v1/me').json({ _method: { nested: true } })

    const text = await scrape(client)

    const methods = new Set(
      durationCounts(text).map((line) => /method="([^"]*)"/.exec(line)?.[1] ?? '')
    )
    assert.notInclude([...methods], 'BOGUSMETHOD')
    for (const method of methods) assert.match(method, /^[A-Z]+$/)
  })
})

test.group('Metrics | names pass promtool lint', () => {
  test('counters end in _total, nothing else does, and every metric has help', async ({
    assert,
  }) => {
    await loadFeatureMetrics()
    const metrics = await metricsRegistry.getMetricsAsJSON()
    assert.isAbove(metrics.length, 10)

    for (const metric of metrics) {
      assert.match(metric.name, NAME)
      assert.isNotEmpty(metric.help, `${metric.name} needs help text`)
      if (String(metric.type) === 'counter') {
        assert.isTrue(metric.name.endsWith('_total'), `counter ${metric.name} must end in _total`)
      } else {
        assert.isFalse(
          metric.name.endsWith('_total'),
          `${metric.type} ${metric.name} ends in _total`
        )
      }
      assert.notMatch(metric.name, /_(count|sum|bucket)$/, metric.name)
      assert.notMatch(
        metric.name,
        /_(milliseconds|ms|secs?|kb|mb)(_|$)/,
        `${metric.name}: base units`
      )
    }
  })

  test('promtool check metrics accepts /metrics', async ({ client, assert }) => {
    await loadFeatureMetrics()
    await client.get('/health/live')
    const text = await scrape(client)

    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })

    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`)
  }).skip(promtoolMissing, 'promtool is not installed (apt-get install prometheus)')
})

/* The value of an unlabelled metric in Prometheus text, or null. */
function valueOf(text: string, name: string) {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
  return match ? Number(match[1]) : null
}

test.group('Metrics | gauges read from the database', (group) => {
  group.each.setup(() => truncateMoney())

  test('outbox backlog and payouts awaiting the provider, with their oldest age', async ({
    client,
    assert,
  }) => {
    await loadFeatureMetrics()
    const account = await AccountFactory.merge({ balance: 98_000n }).create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()
    await db.rawQuery(
      `UPDATE payouts SET status = 'PROCESSING', attempts = 1,
              awaiting_provider_since = now() - interval '90 seconds' WHERE id = ?`,
      [payout.id]
    )
    await db.rawQuery(`DELETE FROM outbox_messages`)
    await db.rawQuery(
      `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, created_at)
       VALUES (?, '', 'test.metrics', '{}', '{}', now() - interval '30 seconds')`,
      [randomUUID()]
    )

    // Each reading is shared for a second, so wait for one taken after the changes.
    const text = await eventually(async () => {
      const scraped = await scrape(client)
      return valueOf(scraped, 'payouts_awaiting_provider') === 1 ? scraped : null
    }, 5000)
    assert.isAtLeast(valueOf(text, 'payouts_awaiting_provider_oldest_seconds')!, 90)
    assert.equal(valueOf(text, 'outbox_messages_pending'), 1)
    assert.isAtLeast(valueOf(text, 'outbox_oldest_pending_age_seconds')!, 30)

    await db.rawQuery(`UPDATE payouts SET awaiting_provider_since = NULL`)
    await db.rawQuery(`DELETE FROM outbox_messages`)
    const cleared = await eventually(async () => {
      const scraped = await scrape(client)
      return valueOf(scraped, 'payouts_awaiting_provider') === 0 ? scraped : null
    }, 5000)
    assert.equal(valueOf(cleared, 'payouts_awaiting_provider_oldest_seconds'), 0)
    assert.equal(valueOf(cleared, 'outbox_messages_pending'), 0)
  })
})
