/*
 * npm run bench:e2e — payouts completed per second end to end by the real
 * worker process against the mock provider process (zero latency), the
 * worker's peak RSS, and beside them pgbench on the worker's own SQL per
 * payout (bench/pgbench/worker_payout.sql) and the ratio. It purges the
 * payouts.process queue of the local broker first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import amqp from 'amqplib'
import {
  NODE_FLAGS,
  appProcess,
  benchEnv,
  ensureBenchAccounts,
  fixed,
  peakRss,
  pgbench,
  pgClient,
  prepareDatabase,
  printTable,
} from './support.ts'

const ACCOUNTS = 1000
const PAYOUTS = Number(process.env.BENCH_PAYOUTS || 3000)
const PROVIDER_PORT = 4090
const env = {
  ...benchEnv,
  PROVIDER_URL: `http://127.0.0.1:${PROVIDER_PORT}`,
  MOCK_PROVIDER_PORT: String(PROVIDER_PORT),
  MOCK_PROVIDER_LATENCY_MS: '0',
  WORKER_METRICS_PORT: '0',
}

/* NEW payouts and their payout.process command rows in the outbox (the API's create, minus HTTP). */
async function seedPayouts() {
  const client = pgClient()
  await client.connect()
  try {
    await ensureBenchAccounts(client, ACCOUNTS)
    await client.query('BEGIN')
    const { rows } = await client.query(
      `WITH accounts_n AS (
         SELECT id, row_number() OVER (ORDER BY external_ref) - 1 AS i
           FROM accounts WHERE external_ref LIKE 'bench-%'),
       created AS (
         INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, created_by)
         SELECT gen_random_uuid(), a.id, 100, 2, 'EUR', 'IBAN e2e ' || g, 'bench'
           FROM generate_series(1, $1::int) g JOIN accounts_n a ON a.i = g % $2::int
         RETURNING id, account_id)
       SELECT id, account_id FROM created`,
      [PAYOUTS, ACCOUNTS]
    )
    // Holds are not written here: completing a payout does not touch the ledger.
    await client.query(
      `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload)
       SELECT gen_random_uuid()::text, 'payouts.commands', 'payout.process',
              jsonb_build_object('payout_id', id)
         FROM payouts WHERE id = ANY($1::uuid[])`,
      [rows.map((row) => row.id)]
    )
    await client.query('COMMIT')
    return rows.map((row) => row.id as string)
  } finally {
    await client.end()
  }
}

async function countOpen(ids: string[]) {
  const client = pgClient()
  await client.connect()
  try {
    const { rows } = await client.query(
      `SELECT status, count(*)::int AS n FROM payouts WHERE id = ANY($1::uuid[]) GROUP BY status`,
      [ids]
    )
    return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Record<string, number>
  } finally {
    await client.end()
  }
}

function startProcess(flags: string[], args: string[]): ChildProcess {
  return appProcess(
    spawn(process.execPath, [...flags, 'build/ace.js', ...args], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  )
}

async function main() {
  await prepareDatabase()
  const url = benchEnv.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672'
  const connection = await amqp.connect(url)
  connection.on('error', () => {})
  const channel = await connection.createChannel()
  channel.on('error', () => {})
  await channel.purgeQueue('payouts.process').catch(() => {})

  const ids = await seedPayouts()
  const relay = spawnSync(process.execPath, ['ace.js', 'outbox:relay'], { env, stdio: 'ignore' })
  if (relay.status !== 0) throw new Error('publishing the payout.process commands failed')

  const provider = startProcess(NODE_FLAGS.provider, ['provider:mock', `--port=${PROVIDER_PORT}`])
  await sleep(3000)
  const started = performance.now()
  const worker = startProcess(NODE_FLAGS.worker, ['payouts:work'])
  try {
    const { result: elapsedMs, peakProcessRssMb: peakRssMb } = await peakRss(
      worker.pid!,
      async () => {
        for (;;) {
          const counts = await countOpen(ids)
          if (!counts.NEW && !counts.PROCESSING) return performance.now() - started
          await sleep(100)
        }
      }
    )
    const final = await countOpen(ids)
    const queue = await channel.checkQueue('payouts.process')
    // Includes the worker's boot (a few hundred ms): a conservative rate.
    const rate = (ids.length / elapsedMs) * 1000

    const pg = pgbench('bench/pgbench/worker_payout.sql', 16, 10, {
      account_count: String(ACCOUNTS),
    })
    console.log('')
    printTable([
      {
        'payouts': ids.length,
        'completed/s': fixed(rate),
        'worker peak RSS MB': fixed(peakRssMb),
        'pgbench payouts/s': fixed(pg),
        'e2e/pgbench': fixed(rate / pg, 2),
      },
    ])
    console.log(
      `\nfinal statuses: ${JSON.stringify(final)}; payouts.process messages left: ${queue.messageCount}`
    )
    console.log(
      'targets: >= 0.5 x pgbench; worker RSS <= 200 MB; queue drained, none in PROCESSING'
    )
  } finally {
    worker.kill('SIGTERM')
    provider.kill('SIGTERM')
    await channel.close().catch(() => {})
    await connection.close().catch(() => {})
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
