/*
 * npm run bench:api — load on the payouts API through the real web process
 * (with the outbox relay running): create-payout with unique
 * Idempotency-Keys at 16 and 64 connections and the list endpoint, over a
 * table of at least 1,000,000 payouts. Prints req/s, p50/p99, errors, the
 * web process's peak RSS, and beside them pgbench on the same SQL
 * (bench/pgbench/create_payout.sql, list_payouts.sql) and the ratio.
 */
import { spawn } from 'node:child_process'
import {
  appProcess,
  BASE_URL,
  benchEnv,
  ensureBenchAccounts,
  fundBenchAccounts,
  createToken,
  createPayoutRequest,
  cpuLine,
  cpuPerRequest,
  fixed,
  paired,
  ROUNDS,
  roundsLine,
  tidyDatabase,
  peakRss,
  pgbench,
  pgClient,
  prepareDatabase,
  purgeProcessQueue,
  printTable,
  startWeb,
  stopWeb,
} from './support.ts'
import { load, loadGenerator, type LoadResult } from './load.ts'

const ACCOUNTS = 1000
const PAYOUTS = 1_000_000
const SECONDS = Number(process.env.BENCH_SECONDS || 10)

async function fill() {
  const client = pgClient()
  await client.connect()
  try {
    await ensureBenchAccounts(client, ACCOUNTS)
    await fundBenchAccounts(client)
    const { rows } = await client.query('SELECT count(*)::int AS n FROM payouts')
    if (rows[0].n < PAYOUTS) {
      console.log(
        `filling ${PAYOUTS - rows[0].n} payouts (once; synthetic history without ledger rows)…`
      )
      await client.query(
        `INSERT INTO payouts (id, account_id, amount, fee, currency, status, recipient_details,
                              attempts, created_at, updated_at, completed_at)
         SELECT gen_random_uuid(), a.id, 1000 + (g % 5000), 20, 'EUR',
                (ARRAY['COMPLETED','COMPLETED','COMPLETED','FAILED','CANCELED'])[1 + g % 5],
                'IBAN history ' || g, 1,
                timestamptz '2025-01-01' + g * interval '20 seconds',
                timestamptz '2025-01-01' + g * interval '20 seconds',
                timestamptz '2025-01-01' + g * interval '20 seconds'
           FROM generate_series(1, $1::int) g
           JOIN (SELECT id, row_number() OVER () - 1 AS i FROM accounts WHERE external_ref LIKE 'bench-%') a
             ON a.i = g % $2::int`,
        [PAYOUTS - rows[0].n, ACCOUNTS]
      )
      await client.query('VACUUM ANALYZE payouts')
    }
    const ids = await client.query(`SELECT id FROM accounts WHERE external_ref LIKE 'bench-%'`)
    const count = await client.query('SELECT count(*)::int AS n FROM payouts')
    return { accountIds: ids.rows.map((row) => row.id as string), payouts: count.rows[0].n }
  } finally {
    await client.end()
  }
}

/* Sequential single requests: the latency of one page with nothing else going on. */
async function singleRequestLatency(url: string, headers: Record<string, string>, n = 50) {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    const response = await fetch(url, { headers })
    await response.arrayBuffer()
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { p50: times[Math.floor(n * 0.5)], p99: times[Math.floor(n * 0.99)] }
}

async function main() {
  await prepareDatabase()
  const { accountIds, payouts } = await fill()
  const token = createToken()
  const headers = { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' }
  const createRequest = createPayoutRequest(accountIds, headers)

  const web = await startWeb()
  const relay = appProcess(
    spawn(process.execPath, ['build/ace.js', 'outbox:relay', '--watch', '--min-age=2000'], {
      env: benchEnv,
      stdio: 'ignore',
    }),
    'relay'
  )
  try {
    const tokenId = Buffer.from(token.split('.')[0].replace(/^pat_/, ''), 'base64url').toString()
    const owner = pgClient()
    await owner.connect()
    const ownerId = (
      await owner.query('SELECT tokenable_id FROM auth_access_tokens WHERE id = $1', [tokenId])
    ).rows[0].tokenable_id as string
    await owner.end()
    const variables = { account_count: String(ACCOUNTS), owner_id: ownerId }

    const { result, peakRssMb, peakProcessRssMb } = await peakRss(web.pid!, async () => {
      const create16 = await paired(
        'create',
        { url: BASE_URL, connections: 16, duration: SECONDS, request: createRequest },
        () => pgbench('bench/pgbench/create_payout.sql', 16, SECONDS, variables, 'prepared')
      )
      await tidyDatabase()
      const create64 = await cpuPerRequest(web.pid!, () =>
        load('create', {
          url: BASE_URL,
          connections: 64,
          duration: SECONDS,
          request: createRequest,
        })
      )
      // Warmed up and in rounds beside pgbench, as the create: cold, the first seconds of a
      // route run unoptimized code and its rate read a quarter lower.
      const list16 = await paired(
        'list',
        {
          url: BASE_URL,
          connections: 16,
          duration: SECONDS,
          request: { method: 'GET', path: () => '/api/v1/payouts?limit=25', headers },
        },
        () => pgbench('bench/pgbench/list_payouts.sql', 16, SECONDS, variables, 'prepared')
      )
      return { create16, create64, list16 }
    })
    const single = await singleRequestLatency(`${BASE_URL}/api/v1/payouts?limit=25`, headers)
    const singleFiltered = await singleRequestLatency(
      `${BASE_URL}/api/v1/payouts?limit=25&status=FAILED`,
      headers
    )
    // The API sends the list's SQL as a named prepared statement, so pgbench does too (paired
    // above); the extended-protocol rate (parsed and planned every time, as Lucid sent it, and
    // the ~20,000 tps issue 14 measured against) is printed beside.
    const { create16, create64, list16 } = result
    const pgList = list16.pgbench
    const pgListExtended = pgbench('bench/pgbench/list_payouts.sql', 16, SECONDS, variables)
    console.log(
      `\npayouts in the table: ${payouts}; web processes: ${benchEnv.WEB_CONCURRENCY};` +
        ` load generator: ${loadGenerator()};` +
        ` peak RSS: ${fixed(peakRssMb)} MB in all, ${fixed(peakProcessRssMb)} MB for the largest process\n`
    )
    const row = (label: string, r: LoadResult, pg: number, ratio = r.rps / pg) => ({
      'operation': label,
      'conns': r.connections,
      'req/s': fixed(r.rps),
      'p50 ms': fixed(r.p50),
      'p99 ms': fixed(r.p99),
      'errors': r.errors + r.non2xx,
      'pgbench tps': fixed(pg),
      'api/pgbench': fixed(ratio, 2),
    })
    printTable([
      row('create payout', create16.api, create16.pgbench, create16.ratio),
      row('create payout', create64, create16.pgbench),
      row('list payouts', list16.api, pgList, list16.ratio),
    ])
    console.log(
      `\ncreate at 16, ${ROUNDS} rounds (medians above), api req/s / pgbench tps: ${roundsLine(create16)}`
    )
    console.log(`create at 16, CPU per request (median of the rounds): ${cpuLine(create16)}`)
    console.log(`list at 16, CPU per request (median of the rounds): ${cpuLine(list16)}`)
    const change = (create64.rps / create16.api.rps - 1) * 100
    console.log(
      `\ncreate at 64 vs 16 connections: ${change >= 0 ? '+' : ''}${fixed(change)} % req/s (target: no drop over 10 %)`
    )
    console.log(
      `web process CPU per request: create at 64 ${fixed(create64.cpuMsPerRequest, 2)} ms,` +
        ` list at 16 ${fixed(list16.cpuMsPerRequest.web, 2)} ms`
    )
    console.log(
      `list at 16: ${fixed(list16.api.rps)} req/s; pgbench ${fixed(pgList)} tps prepared` +
        ` (${fixed(list16.ratio, 3)} x, rounds ${roundsLine(list16)}),` +
        ` ${fixed(pgListExtended)} tps extended (${fixed(list16.api.rps / pgListExtended, 3)} x);` +
        ` target >= 0.15 x`
    )
    console.log(
      `one list page alone (1,000,000+ rows): p50 ${fixed(single.p50)} ms, p99 ${fixed(single.p99)} ms;` +
        ` filtered by status: p50 ${fixed(singleFiltered.p50)} ms (target < 50 ms)`
    )
    console.log(
      'targets: create >= 0.5 x pgbench at 16, 0 errors, p99 <= 100 ms at 16, web RSS <= 300 MB'
    )
  } finally {
    const relayExited = new Promise((resolve) => relay.once('exit', resolve))
    relay.kill('SIGTERM')
    await Promise.all([relayExited, stopWeb(web)])
    await purgeProcessQueue()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
