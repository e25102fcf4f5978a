/*
 * Scale-out on one machine: two web processes on their own ports, workers
 * and the relay as separate processes, one PostgreSQL and one RabbitMQ.
 * Every payout is sent through BOTH web processes with the same
 * Idempotency-Key; a worker is killed with SIGKILL mid-run and replaced.
 * Prints the drain rate with 1 and with 3 workers.
 *
 * `npm test` runs it with SCALE_PAYOUTS=200; `npm run bench:scale` with 2,000.
 *
 * @runs-alone: it kills processes and loads both cores (scripts/test.ts runs it by itself).
 */
import { test } from '@japa/runner'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { AccountFactory } from '#database/factories/account_factory'
import { tokenFor, truncatePayoutTables } from '#tests/helpers'
import { eventually } from '#tests/support/eventually'
import { freePort } from '#tests/support/app_processes'
import { ProcessCluster } from '#tests/support/process_cluster'

const TOTAL = Number(process.env.SCALE_PAYOUTS ?? 200)
const ACCOUNTS = 10
const INITIAL = 100_000_000n
const AMOUNT = 1000n
const FEE = 20n
const CONCURRENCY = 16

type Answer = { status: number; id?: string }

/* POST one payout to `base`; a 409 (the same key in flight on the other process) is retried. */
async function post(base: string, token: string, key: string, body: string): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${base}/api/v1/payouts`, {
      method: 'POST',
      headers: {
        'Authorization': `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': key,
      },
      body,
    })
    const json = (await response.json()) as { id?: string }
    if (response.status !== 409 || attempt > 50) return { status: response.status, id: json.id }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/*
 * Sends `count` payouts, each to both web processes at once under one key.
 * Both answers must name the same payout: the key makes the second a replay.
 */
async function sendPayouts(webUrls: string[], token: string, accountIds: string[], count: number) {
  const accepted: string[] = []
  const disagreements: string[] = []
  let next = 0
  const sendOne = async () => {
    const index = next++
    const key = randomUUID()
    const body = JSON.stringify({
      account_id: accountIds[index % accountIds.length],
      amount: '10.00',
      currency: 'EUR',
      recipient_details: `IBAN scale-${index}`,
    })
    const answers = await Promise.all(webUrls.map((url) => post(url, token, key, body)))
    const ids = new Set(answers.map((a) => a.id))
    if (answers.some((a) => a.status !== 201) || ids.size !== 1) {
      disagreements.push(`${key}: ${JSON.stringify(answers)}`)
    } else {
      accepted.push(answers[0].id!)
    }
  }
  const lane = async () => {
    while (next < count) await sendOne()
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane))
  return { accepted, disagreements }
}

async function settledCount(ids: string[]) {
  const result = await db.rawQuery(
    `SELECT count(*)::int AS n FROM payouts
      WHERE id = ANY(?::uuid[]) AND status NOT IN ('NEW', 'PROCESSING')`,
    [`{${ids.join(',')}}`]
  )
  return result.rows[0].n as number
}

/*
 * Waits until every payout of `ids` is final; resolves to payouts settled per
 * second since `since`. `midway` runs once a third of them are settled.
 */
async function drain(
  ids: string[],
  since: { at: number; settled: number },
  midway?: (settled: number) => Promise<void>
) {
  let midwayDone = false
  await eventually(
    async () => {
      const settled = await settledCount(ids)
      if (!midwayDone && midway && settled >= ids.length / 3) {
        midwayDone = true
        await midway(settled)
      }
      return settled === ids.length
    },
    Math.max(120_000, ids.length * 200),
    `${ids.length} payouts to settle`
  )
  return (ids.length - since.settled) / ((performance.now() - since.at) / 1000)
}

test.group('Scale-out: 2 web processes, several workers and the relay', (group) => {
  let cluster: ProcessCluster

  group.each.setup(async () => {
    await truncatePayoutTables('idempotency_keys')
    return () => cluster?.stopAll()
  })

  test('every payout sent to both web processes is created once, settled once and paid at most once; a worker SIGKILLed mid-run loses nothing', async ({
    assert,
  }) => {
    const accounts = await AccountFactory.merge({ balance: INITIAL, currency: 'EUR' }).createMany(
      ACCOUNTS
    )
    const accountIds = accounts.map((account) => account.id)
    const { token } = await tokenFor(['*'])

    cluster = new ProcessCluster({ env: { LOG_LEVEL: 'warn', PROVIDER_TIMEOUT_MS: '5000' } })
    const [providerPort, webPort1, webPort2] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
    ])
    await cluster.startProvider({
      port: providerPort,
      webhookSecret: payoutsConfig.provider.webhookSecrets[0],
      webhookUrl: `http://127.0.0.1:${webPort1}/webhooks/provider`,
    })
    await cluster.startWeb(webPort1)
    await cluster.startWeb(webPort2)
    assert.lengthOf(cluster.webUrls, 2)
    await cluster.startRelay()
    const half = Math.floor(TOTAL / 2)

    /*
     * Each phase measures a drain from a backlog: its workers are started
     * first (booting takes seconds), frozen with SIGSTOP while the payouts
     * go in through both web processes, then released together.
     */
    const workers: { child: ChildProcess }[] = []
    const frozen = async (count: number) => {
      // One after the other: the cluster names each process when it is asked to start it.
      while (workers.length < count) workers.push((await cluster.startWorker()).process)
      for (const worker of workers) worker.child.kill('SIGSTOP')
      return () => workers.forEach((worker) => worker.child.kill('SIGCONT'))
    }
    const backlog = async (count: number) => {
      const sent = await sendPayouts(cluster.webUrls, token, accountIds, count)
      assert.deepEqual(sent.disagreements, [])
      return sent.accepted
    }

    // Phase 1: one worker.
    let release = await frozen(1)
    const first = await backlog(half)
    release()
    const rate1 = await drain(first, { at: performance.now(), settled: await settledCount(first) })

    // Phase 2: three workers (the first and two more); one is SIGKILLed mid-run and replaced.
    release = await frozen(3)
    const second = await backlog(TOTAL - half)
    release()
    const [victim] = cluster.workerNames().filter((name) => cluster.isRunning(name))
    let replacement: Promise<unknown> | undefined
    let settledAtKill = 0
    let rate3BeforeKill = 0
    const released = { at: performance.now(), settled: await settledCount(second) }
    const rate3 = await drain(second, released, async (settled) => {
      settledAtKill = settled
      rate3BeforeKill = (settled - released.settled) / ((performance.now() - released.at) / 1000)
      await cluster.kill(victim, 'SIGKILL')
      // The drain goes on with two workers while the replacement boots.
      replacement = cluster.startWorker()
    })
    assert.isBelow(settledAtKill, second.length, 'the kill came mid-run')
    await replacement

    const ids = [...first, ...second]
    assert.lengthOf(new Set(ids), TOTAL, 'one payout per key, whichever process answered')
    const created = await db.rawQuery(`SELECT count(*)::int AS n FROM payouts`)
    assert.equal(created.rows[0].n, TOTAL, 'no payout created twice')
    const statuses = await db.rawQuery(
      `SELECT status, count(*)::int AS n FROM payouts GROUP BY status`
    )
    assert.deepEqual(statuses.rows, [{ status: 'COMPLETED', n: TOTAL }])

    // The provider's own count: each payout paid at most once (here: exactly once).
    const provider = cluster.provider!
    const payments = await Promise.all(
      ids.map(async (id) => {
        const response = await fetch(`${provider.url}/payouts/${id}`)
        return ((await response.json()) as { payments: number }).payments
      })
    )
    assert.deepEqual([...new Set(payments)], [1])

    const balances = await db.rawQuery(`SELECT id, balance FROM accounts ORDER BY id`)
    const perAccount = new Map<string, number>()
    for (const row of (
      await db.rawQuery(`SELECT account_id, count(*)::int AS n FROM payouts GROUP BY account_id`)
    ).rows) {
      perAccount.set(row.account_id, row.n)
    }
    for (const row of balances.rows) {
      const expected = INITIAL - BigInt(perAccount.get(row.id) ?? 0) * (AMOUNT + FEE)
      assert.equal(BigInt(row.balance), expected, `balance of ${row.id}`)
    }
    const check = await cluster.ledgerCheck()
    assert.equal(check.code, 0, check.output)

    // Every process still running leaves on SIGTERM, as an orchestrator stops it: exit 0.
    const names = ['web-1', 'web-2', 'relay-1', ...cluster.workerNames()]
    for (const name of names.filter((n) => cluster.isRunning(n))) {
      assert.equal(await cluster.kill(name, 'SIGTERM'), 0, `${name} exit code`)
    }

    console.log(
      `  scale-out: ${TOTAL} payouts (each sent to both of 2 web processes), drain rate ` +
        `${rate1.toFixed(1)}/s with 1 worker, ${rate3BeforeKill.toFixed(1)}/s with 3 workers ` +
        `(${rate3.toFixed(1)}/s over the whole phase, one worker SIGKILLed and replaced in it)`
    )
  }).timeout(Math.max(300_000, TOTAL * 600))
})
