/*
 * npm run bench:chaos — issue 16's crash run at size: 2 web processes, 3
 * workers, a provider failing 15 % of calls, CHAOS_PAYOUTS payouts (default
 * 2000) each sent twice (once to each web process), workers and one web
 * process killed with SIGKILL at seeded moments, and a RabbitMQ
 * `stop_app`/`start_app` of 8–10 s while retries wait in the delay queues.
 * Prints the figures; exits 1 when a money invariant broke. Its own database
 * and vhost (payouts_bench_chaos). CHAOS_SEED replays a run; CHAOS_OUTAGE=0
 * leaves the broker alone. It restarts the
 * machine's RabbitMQ: do not run it beside other work on the same broker.
 */
import { spawnSync } from 'node:child_process'
import { ace, ensureDatabase, pgClient, readEnv } from '../scripts/support.ts'
import {
  CHAOS_RETRY_MAX_MS,
  chaosProcessEnv,
  hasRabbitmqctl,
  runChaos,
  type ChaosReport,
} from '../tests/support/chaos.ts'

const env = readEnv('.env.test', '.env')
const DATABASE = process.env.CHAOS_DB_DATABASE || 'payouts_bench_chaos'
const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31))
const payouts = Number(process.env.CHAOS_PAYOUTS || 2000)
const basePort = Number(process.env.CHAOS_PORT || 3460)

function rabbitmqctl(...args: string[]) {
  return spawnSync('rabbitmqctl', ['-q', ...args], { encoding: 'utf8', timeout: 60_000 })
}

async function main() {
  if (!hasRabbitmqctl()) {
    console.log('bench:chaos needs rabbitmqctl (it restarts RabbitMQ): skipped')
    return
  }
  console.log(`chaos seed ${seed} (replay: CHAOS_SEED=${seed}), ${payouts} payouts`)
  await ensureDatabase(DATABASE, env)
  rabbitmqctl('delete_vhost', DATABASE)
  rabbitmqctl('add_vhost', DATABASE)
  rabbitmqctl('set_permissions', '-p', DATABASE, 'guest', '.*', '.*', '.*')
  const rabbitmqUrl = `amqp://guest:guest@127.0.0.1:5672/${DATABASE}`
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DB_DATABASE: DATABASE,
    RABBITMQ_URL: rabbitmqUrl,
    LOG_LEVEL: 'warn',
  }
  Object.assign(process.env, childEnv)
  ace(['migration:fresh', '--force'], childEnv)

  const email = `chaos-${Date.now()}@bench.local`
  const created = spawnSync(
    process.execPath,
    ['ace.js', 'users:create', email, '--role=admin', '--password=chaos-bench-password'],
    { env: childEnv, encoding: 'utf8' }
  )
  if (created.status !== 0) throw new Error(`users:create failed: ${created.stderr}`)
  const issued = spawnSync(
    process.execPath,
    ['ace.js', 'tokens:create', email, '--abilities=*', '--name=chaos'],
    { env: childEnv, encoding: 'utf8' }
  )
  if (issued.status !== 0) throw new Error(`tokens:create failed: ${issued.stderr}`)
  const token = issued.stdout.trim().split('\n').pop()!

  const client = pgClient(env, DATABASE)
  await client.connect()
  const started = performance.now()
  let report: ChaosReport
  try {
    report = await runChaos(
      {
        seed,
        payouts,
        accounts: 50,
        webPorts: [basePort + 1, basePort + 2],
        workers: 3,
        providerPort: basePort + 10,
        webhookSecret: (env.PROVIDER_WEBHOOK_SECRET || 'dev-webhook-secret').split(',')[0],
        errorRate: 0.15,
        declineRate: 0.02,
        workerKills: 3,
        webKills: 1,
        brokerOutageMs: process.env.CHAOS_OUTAGE === '0' ? null : [8000, 10_000],
        vhost: DATABASE,
        settleTimeoutMs: CHAOS_RETRY_MAX_MS + 60_000,
        env: { ...childEnv, ...chaosProcessEnv() },
        concurrency: 16,
        logDir: `tmp/bench-chaos-${seed}`,
        log: (line) => console.log(`  ${line}`),
      },
      {
        token,
        sql: async (text, bindings = []) => {
          let n = 0
          return (
            await client.query(
              text.replace(/\?/g, () => `$${++n}`),
              bindings
            )
          ).rows
        },
      }
    )
  } finally {
    await client.end()
  }
  const total = (performance.now() - started) / 1000
  const broken = [
    ['API answers that disagree', report.apiMismatches],
    ['payouts left open', report.open],
    ['paid twice', report.paidTwice],
    ['FAILED but paid', report.failedButPaid],
    ['COMPLETED but not paid once', report.completedUnpaid],
    ['balance mismatches', report.balanceMismatches],
  ] as const
  console.log(`
seed                      ${report.seed}
payouts (keys)            ${report.payouts}, stored ${report.stored}
outcome                   ${JSON.stringify(report.byStatus)}
kills                     ${report.kills.join('; ')}
broker outage             ${report.outageMs} ms with ${report.retriesParkedAtOutage} retries parked
sweeper actions           ${JSON.stringify(report.sweeperActions)}
provider                  ${report.providerCalls.payouts} payouts seen, ${report.providerCalls.payments} payments
create (2 requests/key)   ${report.createSeconds.toFixed(1)} s (${((2 * report.payouts) / report.createSeconds).toFixed(0)} requests/s)
settle after the load     ${report.settleSeconds.toFixed(1)} s
ledger:check              exit ${report.ledgerCheck.code}
total                     ${total.toFixed(1)} s`)
  for (const [what, items] of broken) {
    console.log(
      `${what.padEnd(26)}${items.length}${items.length ? `: ${items.slice(0, 5).join('; ')}` : ''}`
    )
  }
  const failed = broken.some(([, items]) => items.length > 0) || report.ledgerCheck.code !== 0
  if (report.stored !== report.payouts || failed) process.exitCode = 1
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
