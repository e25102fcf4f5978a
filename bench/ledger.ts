/*
 * npm run bench:ledger — deposits/s and balance-at lookups/s through the API
 * against a database holding at least 1,000,000 ledger rows, beside the rate
 * pgbench reaches on the same SQL (bench/pgbench/*.sql) and the ratio.
 */
import {
  BASE_URL,
  benchEnv,
  cpuLine,
  createToken,
  ensureBenchAccounts,
  fixed,
  paced,
  paired,
  type Paired,
  pgbench,
  pgClient,
  prepareDatabase,
  printTable,
  ROUNDS,
  roundsLine,
  startWeb,
  stopWeb,
} from './support.ts'
import { load, loadGenerator } from './load.ts'

const ACCOUNTS = 1000
const ROWS_PER_ACCOUNT = 1000
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 16)
const SECONDS = Number(process.env.BENCH_SECONDS || 10)
/* Offered balance-at lookups per second for the latency-at-a-stated-load run. */
const BALANCE_RATE = Number(process.env.BENCH_BALANCE_RATE || 1000)

async function fill() {
  const client = pgClient()
  await client.connect()
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM accounts WHERE external_ref LIKE 'bench-%'`
    )
    if (rows[0].n < ACCOUNTS) {
      console.log(`filling ${ACCOUNTS * ROWS_PER_ACCOUNT} ledger rows (once)…`)
      await client.query('BEGIN')
      await ensureBenchAccounts(client, ACCOUNTS)
      // A consistent history: deposits of 1.00 (0.98 credited) once a minute through 2025.
      await client.query(
        `INSERT INTO transactions (account_id, type, amount, fee, balance_after, created_at)
         SELECT a.id, 'deposit', 98, 2, 98 * s.n, timestamptz '2025-01-01 00:00:00+00' + s.n * interval '1 minute'
           FROM (SELECT id FROM accounts WHERE external_ref LIKE 'bench-%') a,
                generate_series(1, $1::int) s(n)`,
        [ROWS_PER_ACCOUNT]
      )
      await client.query(
        `UPDATE accounts SET balance = 98 * $1::bigint WHERE external_ref LIKE 'bench-%'`,
        [ROWS_PER_ACCOUNT]
      )
      await client.query('COMMIT')
      await client.query('VACUUM ANALYZE transactions')
      await client.query('VACUUM ANALYZE accounts')
    }
    const ids = await client.query(
      `SELECT id FROM accounts WHERE external_ref LIKE 'bench-%' ORDER BY external_ref`
    )
    const count = await client.query('SELECT count(*)::int AS n FROM transactions')
    return { accountIds: ids.rows.map((row) => row.id as string), ledgerRows: count.rows[0].n }
  } finally {
    await client.end()
  }
}

async function main() {
  await prepareDatabase()
  const { accountIds, ledgerRows } = await fill()
  const token = createToken()
  const headers = { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' }
  const pick = () => accountIds[Math.floor(Math.random() * accountIds.length)]
  const randomInstant = () =>
    new Date(
      Date.UTC(2025, 0, 1) + Math.floor(Math.random() * ROWS_PER_ACCOUNT) * 60_000
    ).toISOString()

  const balancePath = () =>
    `/api/v1/accounts/${pick()}/balance?at=${encodeURIComponent(randomInstant())}`

  const web = await startWeb()
  try {
    const variables = { account_count: String(ACCOUNTS) }
    const deposits = await paired(
      'deposits',
      {
        url: BASE_URL,
        connections: CONNECTIONS,
        duration: SECONDS,
        request: {
          method: 'POST',
          headers,
          path: () => `/api/v1/accounts/${pick()}/deposits`,
          body: () => JSON.stringify({ amount: '1.00' }),
        },
      },
      () => pgbench('bench/pgbench/deposit.sql', CONNECTIONS, SECONDS, variables, 'prepared')
    )
    const balanceAt = await paired(
      'balance-at',
      {
        url: BASE_URL,
        connections: CONNECTIONS,
        duration: SECONDS,
        request: { method: 'GET', headers, path: balancePath },
      },
      () => pgbench('bench/pgbench/balance_at.sql', CONNECTIONS, SECONDS, variables, 'prepared')
    )
    // Latency at a stated load, not at saturation: what a client sees while the service has headroom.
    // First a few unmeasured seconds at that load: the web process sat idle while pgbench ran.
    const atLoad = { rate: BALANCE_RATE, connections: CONNECTIONS, headers, path: balancePath }
    await paced({ ...atLoad, seconds: 3 })
    const atRate = await paced({ ...atLoad, seconds: SECONDS })
    // A floor for the p99s above: the cheapest route (no database, no auth) at the same
    // connections, saturated; what is left of a tail beyond it is the route's own.
    const floor = await load('live', {
      url: BASE_URL,
      connections: CONNECTIONS,
      duration: SECONDS,
      request: { method: 'GET', headers: {}, path: () => '/health/live' },
    })

    console.log(
      `\nledger rows: ${ledgerRows}, accounts: ${ACCOUNTS}, connections: ${CONNECTIONS},` +
        ` web processes: ${benchEnv.WEB_CONCURRENCY}, rounds: ${ROUNDS} (medians),` +
        ` load generator: ${loadGenerator()}\n`
    )
    const row = (label: string, r: Paired) => ({
      'operation': label,
      'api req/s': fixed(r.api.rps),
      'p50 ms': fixed(r.api.p50),
      'p99 ms': fixed(r.api.p99),
      'errors': r.api.errors + r.api.non2xx,
      'pgbench tps': fixed(r.pgbench),
      'api/pgbench': fixed(r.ratio, 2),
    })
    printTable([row('deposits (POST)', deposits), row('balance at (GET)', balanceAt)])
    console.log(`\nrounds, api req/s / pgbench tps: deposits ${roundsLine(deposits)}`)
    console.log(`                                 balance at ${roundsLine(balanceAt)}`)
    console.log(`\nCPU per request (median of the rounds): deposits: ${cpuLine(deposits)}`)
    console.log(`                                        balance at: ${cpuLine(balanceAt)}`)
    console.log(
      `\nbalance at, offered ${BALANCE_RATE}/s over ${CONNECTIONS} connections (open loop, latency` +
        ` from each request's scheduled start): p50 ${fixed(atRate.p50)} ms, p90 ${fixed(atRate.p90)} ms,` +
        ` p99 ${fixed(atRate.p99)} ms, max ${fixed(atRate.max)} ms, errors ${atRate.errors + atRate.non2xx}`
    )
    console.log(
      `GET /health/live at ${CONNECTIONS} connections, saturated (the floor: no database, no auth):` +
        ` ${fixed(floor.rps, 0)} req/s, p50 ${fixed(floor.p50)} ms, p99 ${fixed(floor.p99)} ms`
    )
    console.log('\ntargets: balance-at p99 <= 10 ms at 16 connections; deposits >= 0.5 x pgbench')
    console.log(
      'pgbench runs -M prepared: the API sends these statements as named prepared statements too.'
    )
  } finally {
    await stopWeb(web)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
