import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Account from '#models/account'
import { CheckLedger } from '#queries/ledger/check_ledger'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { truncatePayoutTables } from '#tests/helpers'
import { AccountFactory } from '#database/factories/account_factory'
import {
  createPayoutsFrom,
  payoutStatuses,
  startConfiguredMockProvider,
  waitUntilSettled,
} from '#tests/support/processing'
import { eventually } from '#tests/support/eventually'
import { ProcessCluster } from '#tests/support/process_cluster'

const AMOUNT = 1000n
const FEE = 20n

async function createPayouts(count: number) {
  const { id } = await AccountFactory.merge({ balance: 10_000_000n }).create()
  const account = await Account.findOrFail(id)
  const recipients = Array.from({ length: count }, (_, i) => `IBAN drain-${i}`)
  const ids = await createPayoutsFrom(account, recipients, AMOUNT)
  return { account, ids }
}

async function processingIds(ids: string[]) {
  const statuses = await payoutStatuses(ids)
  return [...statuses.values()].filter((p) => p.status === 'PROCESSING').map((p) => p.id)
}

/* Every payout COMPLETED, paid once by the provider's own count, once in the timeline, balance and ledger exact. */
async function assertPaidExactlyOnce(
  assert: import('@japa/assert').Assert,
  provider: MockProviderServer,
  account: Account,
  ids: string[]
) {
  const settled = await waitUntilSettled(ids, 60_000)
  for (const id of ids) assert.equal(settled.get(id)!.status, 'COMPLETED', id)
  for (const id of ids) {
    const record = (await (await fetch(`${provider.url}/payouts/${id}`)).json()) as {
      payments: number
    }
    assert.equal(record.payments, 1, `provider payments for ${id}`)
  }
  const completions = await db.rawQuery(
    `SELECT count(*)::int AS n FROM payout_events
      WHERE to_status = 'COMPLETED' AND payout_id = ANY(?::uuid[])`,
    [`{${ids.join(',')}}`]
  )
  assert.equal(completions.rows[0].n, ids.length)
  await account.refresh()
  assert.equal(account.balance, 10_000_000n - BigInt(ids.length) * (AMOUNT + FEE))
  assert.deepEqual(await new CheckLedger().handle(), [])
}

test.group('Worker: graceful shutdown', (group) => {
  let provider: MockProviderServer
  let cluster: ProcessCluster

  group.each.setup(async () => {
    await truncatePayoutTables()
    cluster = new ProcessCluster()
    return async () => {
      await cluster.stopAll()
      await provider?.stop()
    }
  })

  test('SIGTERM to a busy worker: stops consuming, in-flight payouts finish, exit 0 within the grace', async ({
    assert,
  }) => {
    provider = await startConfiguredMockProvider({ latencyMs: 800 })
    const grace = 8000
    const { account, ids } = await createPayouts(30)
    const { process: first, probes } = await cluster.startWorker({
      WORKER_SHUTDOWN_GRACE_MS: String(grace),
      WORKER_PREFETCH: '4',
      PROVIDER_TIMEOUT_MS: '10000',
    })

    const live = await fetch(`${probes}/health/live`)
    assert.equal(live.status, 200)
    const ready = (await (await fetch(`${probes}/health/ready`)).json()) as Record<string, unknown>
    assert.deepEqual(ready, {
      status: 'ok',
      checks: { consumer: { status: 'ok' }, database: { status: 'ok' } },
    })

    const inFlight = await eventually(
      async () => {
        const processing = await processingIds(ids)
        return processing.length >= 2 ? processing : null
      },
      30_000,
      'payouts in PROCESSING'
    )
    const stopping = first.stop('SIGTERM')
    // While it drains, the worker is no longer ready (a Service stops sending it work).
    const draining = await eventually(
      async () => {
        const response = await fetch(`${probes}/health/ready`).catch(() => undefined)
        return response?.status === 503 ? ((await response.json()) as Record<string, any>) : null
      },
      5000,
      'readiness to fail while draining'
    )
    assert.equal(draining.checks.consumer.message, 'stopping')

    const exit = await stopping
    assert.equal(exit.code, 0, first.output)
    assert.isBelow(exit.elapsedMs, grace, 'drained within the grace')
    // What was in flight at SIGTERM was finished and acked, not abandoned.
    const afterStop = await payoutStatuses(inFlight)
    for (const id of inFlight) {
      assert.equal(afterStop.get(id)!.status, 'COMPLETED', `${id}\n${first.output.slice(-3000)}`)
    }
    const left = [...(await payoutStatuses(ids)).values()].filter((p) => p.status === 'NEW')
    assert.isAbove(left.length, 0, 'it stopped taking new payouts')

    await cluster.startWorker({ PROVIDER_TIMEOUT_MS: '10000' })
    await assertPaidExactlyOnce(assert, provider, account, ids)
  }).timeout(120_000)

  test('a grace shorter than the provider call: in-flight messages go back to the queue, exit 0 in time, none paid twice', async ({
    assert,
  }) => {
    provider = await startConfiguredMockProvider({ latencyMs: 5000 })
    const grace = 1000
    const { account, ids } = await createPayouts(6)
    const { process: first } = await cluster.startWorker({
      WORKER_SHUTDOWN_GRACE_MS: String(grace),
      PROVIDER_TIMEOUT_MS: '10000',
    })
    const inFlight = await eventually(
      async () => {
        const processing = await processingIds(ids)
        return processing.length === ids.length ? processing : null
      },
      30_000,
      'every payout in PROCESSING'
    )
    const exit = await first.stop('SIGTERM')
    assert.equal(exit.code, 0, first.output)
    assert.isBelow(exit.elapsedMs, grace + 2500, 'gone soon after the grace')
    // Nothing finished: the messages were returned, not acked.
    const afterStop = await payoutStatuses(inFlight)
    for (const id of inFlight) assert.equal(afterStop.get(id)!.status, 'PROCESSING', id)

    await cluster.startWorker({ PROVIDER_TIMEOUT_MS: '10000' })
    await assertPaidExactlyOnce(assert, provider, account, ids)
  }).timeout(120_000)
})
