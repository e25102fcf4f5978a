import { test } from '@japa/runner'
import { spawn, type ChildProcess } from 'node:child_process'
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

/* The worker as its own process, exactly as `npm start` runs it. */
function spawnWorker(): ChildProcess {
  return spawn(process.execPath, ['ace.js', 'payouts:work'], {
    env: { ...process.env, NODE_ENV: 'test' },
    stdio: 'ignore',
  })
}

function exited(child: ChildProcess) {
  return new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
    child.once('exit', (code) => resolve(code))
  })
}

test.group('Worker: crash recovery', (group) => {
  let provider: MockProviderServer
  const children: ChildProcess[] = []

  group.each.setup(async () => {
    await truncatePayoutTables()
    provider = await startConfiguredMockProvider({ latencyMs: 300 })
    return async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
      await provider.stop()
    }
  })

  test('a worker killed with SIGKILL mid-processing, then restarted: every payout final, paid at most once', async ({
    assert,
  }) => {
    const { id: accountId } = await AccountFactory.merge({ balance: 10_000_000n }).create()
    const account = await Account.findOrFail(accountId)
    const ids = await createPayoutsFrom(
      account,
      Array.from({ length: 24 }, (_, i) => `IBAN crash-${i}`)
    )

    const first = spawnWorker()
    children.push(first)
    // Kill it while payouts are in the middle of being processed.
    await eventually(
      async () => {
        const statuses = await payoutStatuses(ids)
        const processing = [...statuses.values()].filter((p) => p.status === 'PROCESSING')
        return processing.length >= 4
      },
      30_000,
      'payouts in PROCESSING'
    )
    first.kill('SIGKILL')
    await exited(first)
    const midway = await payoutStatuses(ids)
    assert.isAbove(
      [...midway.values()].filter((p) => p.status !== 'COMPLETED').length,
      0,
      'the kill happened before everything was done'
    )

    const second = spawnWorker()
    children.push(second)
    const settled = await waitUntilSettled(ids, 60_000)
    for (const id of ids) assert.equal(settled.get(id)!.status, 'COMPLETED', id)

    // The provider's own record: every payout paid exactly once.
    for (const id of ids) {
      const response = await fetch(`http://127.0.0.1:${provider.port}/payouts/${id}`)
      const record = (await response.json()) as { payments: number }
      assert.equal(record.payments, 1, `provider payments for ${id}`)
    }
    const completions = await db.rawQuery(
      `SELECT payout_id, count(*)::int AS n FROM payout_events
        WHERE to_status = 'COMPLETED' AND payout_id = ANY(?::uuid[]) GROUP BY payout_id`,
      [`{${ids.join(',')}}`]
    )
    assert.lengthOf(completions.rows, ids.length)
    for (const row of completions.rows) assert.equal(row.n, 1)
    await account.refresh()
    assert.equal(account.balance, 10_000_000n - 24n * 1020n)
    assert.deepEqual(await new CheckLedger().handle(), [])

    second.kill('SIGTERM')
    assert.equal(await exited(second), 0, 'graceful stop exits 0')
  }).timeout(120_000)
})
