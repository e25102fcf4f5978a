/*
 * `npm run bench:pages`: every operator console page (and the dashboard
 * pages they sit next to) against 1,000,000 payouts, each page's p50 and p95
 * over sequential requests of a signed-in admin. The data is written straight
 * with generate_series into a database of its own (BENCH_PAGES_DB, default
 * payouts_bench_pages), once; later runs reuse it. Prints numbers, asserts nothing.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ensureDatabase, pgClient, readEnv } from '../scripts/support.ts'
import { printTable, fixed } from './support.ts'

const env = readEnv('.env')
const DB = process.env.BENCH_PAGES_DB || 'payouts_bench_pages'
const PORT = Number(process.env.BENCH_PAGES_PORT || 3451)
const BASE = `http://127.0.0.1:${PORT}`
const PAYOUTS = Number(process.env.BENCH_PAGES_PAYOUTS || 1_000_000)
const SAMPLES = Number(process.env.BENCH_PAGES_SAMPLES || 40)
const EMAIL = 'bench-pages@bench.local'
const PASSWORD = 'bench-pages-password'
const appEnv = {
  ...process.env,
  NODE_ENV: 'production',
  DB_DATABASE: DB,
  PORT: String(PORT),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  WEB_CONCURRENCY: '1',
  RATE_LIMIT_ENABLED: 'false',
  // Production refuses the shipped example secrets; this throwaway database gets fresh ones.
  APP_KEY: randomBytes(32).toString('base64url'),
  PROVIDER_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
}

function ace(args: string[]) {
  const result = spawnSync(process.execPath, ['ace.js', ...args], { env: appEnv, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`ace ${args[0]} failed: ${result.stderr}`)
  return result.stdout
}

/* 1,000 accounts, PAYOUTS payouts over 90 days with a consistent ledger, events, audit rows. */
const SEED = [
  `INSERT INTO accounts (id, external_ref, currency, balance)
   SELECT md5('pages-' || a)::uuid, 'pages-' || a, 'EUR', 0 FROM generate_series(1, 1000) a`,
  // Settled but for the newest 3,000 (NEW and PROCESSING), as a running system has them.
  `INSERT INTO payouts (id, account_id, amount, fee, currency, status, recipient_details, comment,
                        attempts, provider_reference, created_at, updated_at, completed_at)
   SELECT md5('payout-' || g)::uuid, md5('pages-' || (1 + g % 1000))::uuid, 1000 + g % 50000, 20, 'EUR',
          s.status, 'IBAN bench ' || g, 'bench ' || g, 1,
          CASE WHEN s.status = 'COMPLETED' THEN 'prv_bench_' || g END,
          now() - (($1::int - g) * interval '7776 milliseconds'),
          now() - (($1::int - g) * interval '7776 milliseconds'),
          CASE WHEN s.status = 'COMPLETED' THEN now() - (($1::int - g) * interval '7776 milliseconds') END
     FROM generate_series(1, $1::int) g,
          LATERAL (SELECT CASE WHEN g > $1::int - 3000 THEN (ARRAY['NEW','PROCESSING'])[1 + g % 2]
                               ELSE (ARRAY['COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED',
                                           'COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED',
                                           'FAILED','CANCELED'])[1 + g % 12] END AS status) s`,
  // 1,000 of the PROCESSING ones wait for a retry; 50 others are stuck (no progress for 10 minutes).
  `UPDATE payouts SET next_attempt_at = now() + interval '10 minutes', next_attempt = 2,
          next_message_id = gen_random_uuid(), attempts = 1
    WHERE id IN (SELECT id FROM payouts WHERE status = 'PROCESSING' ORDER BY id LIMIT 1000)`,
  `UPDATE payouts SET updated_at = now() - interval '10 minutes'
    WHERE id IN (SELECT id FROM payouts WHERE status = 'PROCESSING' AND next_attempt_at IS NULL
                  ORDER BY id LIMIT 50)`,
  `INSERT INTO payout_events (payout_id, type, to_status, actor, created_at)
   SELECT id, 'created', 'NEW', 'user:' || md5('bench-user')::uuid, created_at FROM payouts`,
  `INSERT INTO payout_events (payout_id, type, actor, details, created_at)
   SELECT id, 'attempt_failed', 'worker', '{"attempt":1,"error":"provider answered 503"}', created_at
     FROM payouts WHERE next_attempt_at IS NOT NULL`,
  `INSERT INTO payout_events (payout_id, type, actor, details, created_at)
   SELECT id, 'provider_contradiction', 'provider',
          jsonb_build_object('event_id', 'evt_' || id, 'reported', 'succeeded', 'payout_status', status),
          updated_at
     FROM payouts WHERE status = 'FAILED' ORDER BY created_at DESC LIMIT 500`,
  // Each account: one large deposit, then a hold per payout, balances chained.
  `INSERT INTO transactions (account_id, type, amount, fee, balance_after, reference, actor, created_at)
   SELECT id, 'deposit', 100000000000, 0, 100000000000, 'seed', 'bench', now() - interval '100 days'
     FROM accounts`,
  `INSERT INTO transactions (account_id, type, amount, fee, balance_after, payout_id, actor, created_at)
   SELECT account_id, 'payout_hold', -(amount + fee), 0,
          100000000000 - sum(amount + fee) OVER (PARTITION BY account_id ORDER BY created_at, id),
          id, 'worker', created_at
     FROM payouts`,
  `UPDATE accounts a SET balance = t.balance_after
     FROM (SELECT DISTINCT ON (account_id) account_id, balance_after FROM transactions
            ORDER BY account_id, created_at DESC, seq DESC) t
    WHERE t.account_id = a.id`,
  `INSERT INTO audit_log (actor, actor_email, role, via, action, target_type, target_id, request_id, ip, changes, created_at)
   SELECT 'user:' || md5('bench-user')::uuid, 'api@bench.local', 'operator', 'api', 'payout.create',
          'payout', id::text, 'req-' || id, '127.0.0.1', '{"status":{"after":"NEW"}}', created_at
     FROM payouts WHERE created_at > now() - interval '20 days'`,
  `INSERT INTO worker_heartbeats (name, role, host, pid, started_at, last_seen_at, prefetch, consuming, in_flight)
   SELECT 'payouts:worker:' || g, 'worker', 'bench', g, now() - interval '1 hour', now(), 16,
          '["payouts.process","payouts.dead"]', '[]' FROM generate_series(1, 4) g`,
  `VACUUM ANALYZE`,
]

async function seed() {
  await ensureDatabase(DB, env)
  ace(['migration:run', '--force'])
  const client = pgClient(env, DB)
  await client.connect()
  try {
    const found = await client.query('SELECT count(*)::int AS n FROM payouts')
    if (found.rows[0].n >= PAYOUTS) return
    console.log(`seeding ${PAYOUTS.toLocaleString('en-US')} payouts into ${DB} …`)
    await client.query(
      'TRUNCATE payouts, payout_events, transactions, accounts, audit_log, worker_heartbeats CASCADE'
    )
    for (const sql of SEED) {
      const started = performance.now()
      await client.query(sql, sql.includes('$1') ? [PAYOUTS] : [])
      console.log(
        `  ${fixed((performance.now() - started) / 1000)} s  ${sql.trim().split('\n')[0].slice(0, 70)}`
      )
    }
  } finally {
    await client.end()
  }
}

/* A signed-in session: the login form's CSRF token and cookies, then the sign-in POST. */
async function signIn() {
  spawnSync(
    process.execPath,
    ['ace.js', 'users:create', EMAIL, '--role=admin', `--password=${PASSWORD}`],
    {
      env: appEnv,
    }
  )
  const cookies = new Map<string, string>()
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
  }
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  const form = await fetch(`${BASE}/login`)
  keep(form)
  const csrf = /name=['"]_csrf['"] value=['"]([^'"]+)['"]/.exec(await form.text())?.[1] ?? ''
  const signed = await fetch(`${BASE}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cookie': header() },
    body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: PASSWORD }),
  })
  keep(signed)
  // Signed in, the overview answers 200 (a failed sign-in goes back to /login).
  const check = await fetch(`${BASE}/`, { headers: { cookie: header() }, redirect: 'manual' })
  if (check.status !== 200) {
    throw new Error(
      `sign-in failed: ${signed.status} to ${signed.headers.get('location')}, then / answered ${check.status}`
    )
  }
  return header
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

async function main() {
  await seed()
  const client = pgClient(env, DB)
  await client.connect()
  const account = md5Account(17)
  const payout = (
    await client.query(
      `SELECT id FROM payouts WHERE status = 'COMPLETED' ORDER BY created_at DESC LIMIT 1`
    )
  ).rows[0].id
  const oldest = (await client.query(`SELECT min(created_at) AS at FROM payouts`)).rows[0]
    .at as Date
  await client.end()
  const from = new Date(oldest.getTime() + 30 * 86_400_000).toISOString()
  const to = new Date(oldest.getTime() + 31 * 86_400_000).toISOString()

  const web = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    env: appEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`${BASE}/health/live`).then(
        (r) => r.ok,
        () => false
      )
      if (up) break
      if (i > 240) throw new Error('the web process did not start')
      await sleep(250)
    }
    const cookie = await signIn()
    const pages: [string, string][] = [
      ['overview', '/'],
      ['payouts', '/payouts'],
      ['payouts NEW', '/payouts?status=NEW'],
      ['payout', `/payouts/${payout}`],
      ['account', `/accounts/${account}`],
      ['statement (1 day)', `/accounts/${account}/statement?from=${from}&to=${to}`],
      ['audit', '/audit'],
      ['audit by target', `/audit?target_type=payout&target_id=${payout}`],
      ['reconciliation', '/reconciliation'],
      ['retries', '/retries'],
      ['stuck', '/stuck'],
      ['workers', '/workers'],
      ['search (reference)', '/search?q=prv_bench_900001'],
      ['search (id prefix)', `/search?q=${String(payout).slice(0, 8)}`],
    ]
    const rows = []
    for (const [name, path] of pages) {
      const times: number[] = []
      let status = 0
      for (let n = 0; n < SAMPLES + 5; n++) {
        const started = performance.now()
        const response = await fetch(`${BASE}${path}`, {
          headers: { cookie: cookie() },
          redirect: 'manual',
        })
        await response.arrayBuffer()
        status = response.status
        if (n >= 5) times.push(performance.now() - started)
      }
      times.sort((a, b) => a - b)
      rows.push({
        'page': name,
        status,
        'p50 ms': fixed(percentile(times, 50)),
        'p95 ms': fixed(percentile(times, 95)),
      })
    }
    printTable(rows)
  } finally {
    web.kill('SIGTERM')
  }
}

/* Account pages-n's id, as the seed derives it: md5('pages-n')::uuid. */
function md5Account(n: number) {
  const hex = createHash('md5').update(`pages-${n}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

await main()
