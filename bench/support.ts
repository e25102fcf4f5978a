/*
 * Shared pieces of the benchmarks: a dedicated database, the web process
 * started as a child, an API token, load runs (bench/load.ts) paired with
 * pgbench runs, and one way of printing results. Benchmarks print numbers; they assert nothing.
 */
import { randomBytes } from 'node:crypto'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import amqp from 'amqplib'
import type pg from 'pg'
import {
  buildApp,
  ensureDatabase,
  NODE_FLAGS,
  pgClient as connect,
  readEnv,
} from '../scripts/support.ts'
import { load, type LoadOptions, type LoadResult, type RequestSpec } from './load.ts'

export { NODE_FLAGS }

const env = readEnv('.env')

export const BENCH_DB = env.BENCH_DB_DATABASE || 'payouts_bench'
export const BENCH_PORT = Number(env.BENCH_PORT || 3390)
export const BASE_URL = `http://127.0.0.1:${BENCH_PORT}`

export const benchEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  DB_DATABASE: BENCH_DB,
  PORT: String(BENCH_PORT),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  // As many web processes as `npm start` runs (.env, else 1; see bin/server.ts). On this 2-core
  // machine one beats two: two web processes and PostgreSQL deschedule each other.
  WEB_CONCURRENCY: process.env.WEB_CONCURRENCY || env.WEB_CONCURRENCY || '1',
  // One bench token sends more than a client's default burst allows; the limiter still runs
  // (its cost is part of every request), it just never says 429 to the benchmark.
  API_RATE_LIMIT_PER_MINUTE: process.env.API_RATE_LIMIT_PER_MINUTE || '100000000',
  API_RATE_LIMIT_BURST: process.env.API_RATE_LIMIT_BURST || '1000000',
  // Production refuses the shipped development secret at boot (config/security.ts).
  PROVIDER_WEBHOOK_SECRET: process.env.PROVIDER_WEBHOOK_SECRET || randomBytes(32).toString('hex'),
}

export function pgClient() {
  return connect(env, BENCH_DB)
}

/*
 * The benchmark accounts bench-1 … bench-N in EUR (created once). Account
 * bench-n has the id md5('bench-n')::uuid, so a pgbench script can name an
 * account by id, as the API does, without a lookup of its own.
 */
export async function ensureBenchAccounts(client: pg.Client, count: number) {
  await client.query(
    `INSERT INTO accounts (id, external_ref, currency)
     SELECT md5('bench-' || g)::uuid, 'bench-' || g, 'EUR' FROM generate_series(1, $1::int) g
     ON CONFLICT DO NOTHING`,
    [count]
  )
}

/* POST /api/v1/payouts of 1.00 EUR from a random one of `accountIds`, each with a key of its own. */
export function createPayoutRequest(
  accountIds: string[],
  headers: Record<string, string>
): RequestSpec {
  return {
    method: 'POST',
    path: () => '/api/v1/payouts',
    headers,
    idempotencyKey: true,
    body: () =>
      JSON.stringify({
        account_id: accountIds[Math.floor(Math.random() * accountIds.length)],
        amount: '1.00',
        currency: 'EUR',
        recipient_details: 'IBAN bench',
      }),
  }
}

/* Plenty of funds for every create on each benchmark account; the deposit row keeps balance = Σ ledger. */
export async function fundBenchAccounts(client: pg.Client) {
  await client.query(`
    WITH topped AS (
      UPDATE accounts SET balance = balance + 1000000000000
       WHERE external_ref LIKE 'bench-%' AND balance < 100000000000 RETURNING id, balance)
    INSERT INTO transactions (account_id, type, amount, fee, balance_after, reference)
    SELECT id, 'deposit', 1000000000000, 0, balance, 'bench funding' FROM topped`)
}

/* A benchmark database from before account ids were derived from their names is rebuilt. */
async function dropStaleDatabase() {
  const admin = connect(env, 'postgres')
  await admin.connect()
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB])
    if (exists.rowCount === 0) return
    const client = pgClient()
    await client.connect()
    let stale = false
    try {
      const found = await client.query(
        `SELECT count(*)::int AS n FROM accounts
          WHERE external_ref LIKE 'bench-%' AND id <> md5(external_ref)::uuid`
      )
      stale = found.rows[0].n > 0
    } catch {
      // No accounts table yet: nothing to rebuild.
    } finally {
      await client.end()
    }
    if (stale) {
      console.log(`rebuilding ${BENCH_DB}: its benchmark accounts predate derived ids`)
      await admin.query(`DROP DATABASE "${BENCH_DB}" WITH (FORCE)`)
    }
  } finally {
    await admin.end()
  }
}

export async function prepareDatabase() {
  await dropStaleDatabase()
  await ensureDatabase(BENCH_DB, env)
  const result = spawnSync(process.execPath, ['ace.js', 'migration:run', '--force'], {
    env: benchEnv,
    stdio: 'ignore',
  })
  if (result.status !== 0) throw new Error('migrating the benchmark database failed')
  // Measure what `npm start` runs: the compiled application.
  buildApp()
}

/* A user with an all-abilities token, straight through the ace command. */
export function createToken(): string {
  const email = `bench-${Date.now()}@bench.local`
  const ace = (args: string[]) =>
    spawnSync(process.execPath, ['ace.js', ...args], { env: benchEnv, encoding: 'utf8' })
  const created = ace(['users:create', email, '--role=admin', '--password=bench-password-123'])
  if (created.status !== 0) throw new Error(`users:create failed: ${created.stderr}`)
  const token = ace(['tokens:create', email, '--abilities=*', '--name=bench'])
  if (token.status !== 0) throw new Error(`tokens:create failed: ${token.stderr}`)
  return token.stdout.trim().split('\n').pop()!
}

/*
 * The web process, compiled, as `npm start` runs it. `extraEnv` may give it
 * another PORT (a second web process beside the first) and BENCH_ROLE, the
 * name its CPU is reported under (default "web").
 */
export async function startWeb(extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...NODE_FLAGS.web,
      // Extra Node or V8 flags to try on the web process, e.g. BENCH_WEB_FLAGS=--single-threaded-gc
      ...(process.env.BENCH_WEB_FLAGS?.split(' ').filter(Boolean) ?? []),
      'build/bin/server.js',
    ],
    {
      env: { ...benchEnv, ...extraEnv },
      stdio: ['ignore', process.env.BENCH_WEB_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    }
  )
  appProcess(child, extraEnv.BENCH_ROLE ?? 'web')
  const url = extraEnv.PORT ? `http://127.0.0.1:${extraEnv.PORT}` : BASE_URL
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(`${url}/health/live`)
      if (response.ok) return child
    } catch {}
    await sleep(250)
  }
  child.kill('SIGKILL')
  throw new Error('the web process did not start')
}

/*
 * Empties payouts.process: the payouts a benchmark creates are never worked,
 * and their commands would otherwise pile up in the broker every test and
 * `npm start` shares (the queue is shared by every database on that broker).
 */
export async function purgeProcessQueue() {
  const connection = await amqp.connect(env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672')
  connection.on('error', () => {})
  try {
    const channel = await connection.createChannel()
    channel.on('error', () => {})
    await channel.purgeQueue('payouts.process').catch(() => {})
  } finally {
    await connection.close().catch(() => {})
  }
}

export async function stopWeb(child: ChildProcess) {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

/* A process's children (cluster workers), read from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number)
  } catch {
    return []
  }
}

/* Resident set size of one process in bytes, read from /proc (0 once it is gone). */
function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/* Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/* CPU time (user + system) a process has used so far, in ms, read from /proc (0 once it is gone). */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name, which may hold spaces: state is [0], utime [11], stime [12].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/*
 * The CPU a process (with its cluster workers) spent per request while
 * `work` ran a load: its CPU time before and after, from /proc, over the
 * requests answered. It includes whatever else the process did meanwhile
 * (the outbox relay runs in its own process and is not counted).
 */
export async function cpuPerRequest<T extends { requests: number }>(
  pid: number,
  work: () => Promise<T>
): Promise<T & { cpuMsPerRequest: number }> {
  const used = () => [pid, ...childrenOf(pid)].reduce((sum, one) => sum + cpuMsOf(one), 0)
  const before = used()
  const result = await work()
  const spent = used() - before
  return { ...result, cpuMsPerRequest: result.requests > 0 ? spent / result.requests : 0 }
}

/*
 * Peak resident set size of a process (with its cluster workers, and the
 * largest single one), sampled every 200 ms while `work` runs. Sampling reads
 * /proc directly: spawning ps would block this process, which also runs the
 * load generator, and skew its latencies.
 */
export async function peakRss<T>(pid: number, work: () => Promise<T>) {
  let peak = 0
  let peakSingle = 0
  const sample = () => {
    const sizes = [pid, ...childrenOf(pid)].map(rssOf)
    peak = Math.max(
      peak,
      sizes.reduce((sum, size) => sum + size, 0)
    )
    peakSingle = Math.max(peakSingle, ...sizes)
  }
  const timer = setInterval(sample, 200)
  try {
    const result = await work()
    return { result, peakRssMb: peak / 1024 / 1024, peakProcessRssMb: peakSingle / 1024 / 1024 }
  } finally {
    clearInterval(timer)
    sample()
  }
}

/*
 * How the API sends a script's statements, and so how pgbench must send
 * them: `prepared` for the hot paths on the direct client (named statements,
 * planned once per connection), `extended` for Lucid's unnamed ones
 * (parsed and planned on every execution).
 */
export type Protocol = 'prepared' | 'extended'

/* The application's processes a benchmark started (see pgbench), with the role each plays. */
const appProcesses = new Set<ChildProcess>()
const roles = new Map<ChildProcess, string>()

export function appProcess(child: ChildProcess, role = 'other app processes') {
  appProcesses.add(child)
  roles.set(child, role)
  child.once('exit', () => {
    appProcesses.delete(child)
    roles.delete(child)
  })
  return child
}

/* Processes of the servers the application talks to, by their command name in /proc. */
const SERVERS: Record<string, string> = { postgres: 'PostgreSQL', beam: 'RabbitMQ' }

/*
 * CPU milliseconds used so far, by process group: each role of the
 * application (with its cluster workers), PostgreSQL (every backend) and
 * RabbitMQ. Read from /proc; the difference of two readings over a load is
 * what each group spent on it.
 */
export function cpuByProcess(): Record<string, number> {
  const totals: Record<string, number> = {}
  const add = (group: string, ms: number) => (totals[group] = (totals[group] ?? 0) + ms)
  for (const [child, role] of roles) {
    if (child.pid) for (const pid of [child.pid, ...childrenOf(child.pid)]) add(role, cpuMsOf(pid))
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let command: string
    try {
      command = readFileSync(`/proc/${entry}/comm`, 'utf8').trim()
    } catch {
      continue
    }
    const server = Object.keys(SERVERS).find((name) => command.startsWith(name))
    if (server) add(SERVERS[server], cpuMsOf(Number(entry)))
  }
  return totals
}

/* CPU ms per request of each group between two cpuByProcess readings. */
export function perRequest(
  before: Record<string, number>,
  after: Record<string, number>,
  requests: number
) {
  return Object.fromEntries(
    Object.keys(after).map((group) => [
      group,
      requests > 0 ? (after[group] - (before[group] ?? 0)) / requests : 0,
    ])
  )
}

/* Runs a pgbench script against the benchmark database; returns transactions per second. */
export function pgbench(
  script: string,
  clients: number,
  seconds: number,
  variables: Record<string, string> = {},
  protocol: Protocol = 'extended'
): number {
  const connection = [
    '-h',
    env.DB_HOST || '127.0.0.1',
    '-p',
    String(env.DB_PORT || 5432),
    '-U',
    env.DB_USER || 'postgres',
  ]
  const args = [
    '-n',
    ...connection,
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
    '-M',
    protocol,
    '-f',
    script,
    ...Object.entries(variables).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
    BENCH_DB,
  ]
  const pgEnv = { ...process.env, PGPASSWORD: env.DB_PASSWORD || '' }
  // The database alone. The application's processes wait stopped meanwhile: their outbox
  // relays would otherwise publish the rows this script leaves unpublished once they are 2 s
  // old, on the cores pgbench is measured on. Those rows are deleted before they go on.
  const paused = [...appProcesses]
  for (const child of paused) child.kill('SIGSTOP')
  let run
  try {
    run = spawnSync('pgbench', args, { encoding: 'utf8', env: pgEnv })
    const leftovers = 'DELETE FROM outbox_messages WHERE published_at IS NULL'
    spawnSync('psql', [...connection, '-qc', leftovers, BENCH_DB], {
      env: pgEnv,
      stdio: 'ignore',
    })
  } finally {
    for (const child of paused) child.kill('SIGCONT')
  }
  const match = /tps = ([\d.]+)/.exec(run.stdout)
  if (!match) throw new Error(`pgbench failed: ${run.stderr || run.stdout}`)
  return Number(match[1])
}

/* Rows of each churning table that tidyDatabase keeps (see there). */
const KEPT_ROWS = 5000

/*
 * Puts the benchmark database back in the same shape before a measurement.
 * Published outbox rows and stored idempotency keys only grow their tables
 * (pgbench() deletes the unpublished rows it leaves itself), where
 * autovacuum is off (as on this machine) dead rows of the hot tables pile up
 * and slow every later round, and a checkpoint is taken.
 *
 * Each of the two tables keeps its newest KEPT_ROWS rows rather than none.
 * Emptied and analyzed, it looked empty to the planner: the web process's
 * named statements then settled on generic plans that scan the whole table,
 * and kept them while the round grew it to thousands of rows (the seal read
 * ~1,500 idempotency_keys rows per create; with autovacuum off nothing
 * re-analyzed it). A production table holds a day of keys.
 */
export async function tidyDatabase() {
  const client = pgClient()
  await client.connect()
  try {
    // Locked first: the web process may still be marking its last publishes, and a
    // DELETE meeting that UPDATE row by row can deadlock with it.
    await client.query('BEGIN')
    await client.query('LOCK TABLE outbox_messages, idempotency_keys')
    await client.query(
      `DELETE FROM outbox_messages WHERE id NOT IN
         (SELECT id FROM outbox_messages WHERE published_at IS NOT NULL ORDER BY id DESC LIMIT $1)`,
      [KEPT_ROWS]
    )
    await client.query(
      `DELETE FROM idempotency_keys WHERE (owner_id, key) NOT IN
         (SELECT owner_id, key FROM idempotency_keys ORDER BY created_at DESC LIMIT $1)`,
      [KEPT_ROWS]
    )
    await client.query('COMMIT')
    await client.query('VACUUM ANALYZE accounts, outbox_messages, idempotency_keys')
    // Every measurement starts right after a checkpoint: one that a run's writes set off
    // otherwise lands in whichever run comes next, with its flushes and full-page writes.
    await client.query('CHECKPOINT')
  } finally {
    await client.end()
  }
  await purgeProcessQueue()
}

export const ROUNDS = Number(process.env.BENCH_ROUNDS || 3)
export const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS || 8)

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export interface Paired {
  api: LoadResult
  pgbench: number
  ratio: number
  rounds: { rps: number; pgbench: number }[]
  /* CPU ms per API request by process group (cpuByProcess), median over the rounds. */
  cpuMsPerRequest: Record<string, number>
}

/*
 * The API and pgbench on the same SQL, in alternating rounds: this VM's
 * speed drifts by a third within minutes, so one API run and one pgbench run
 * minutes apart compare two different machines. Each round measures both
 * back to back on a tidied database; the API's req/s and latencies and the
 * pgbench rate are each the median over the rounds, and the ratio is the
 * median of the rounds' own ratios.
 */
export async function paired(
  label: string,
  options: LoadOptions,
  pg: () => number,
  rounds = ROUNDS
): Promise<Paired> {
  // The same requests first, unmeasured: V8 reaches its optimized code for a route only
  // after thousands of its requests, and a 3 s warm-up left later rounds up to 50 % faster.
  await load(`${label} (warm-up)`, { ...options, duration: WARM_UP_SECONDS })
  const results: { api: LoadResult; pgbench: number; cpu: Record<string, number> }[] = []
  for (let i = 0; i < rounds; i++) {
    await tidyDatabase()
    const before = cpuByProcess()
    const apiResult = await load(label, options)
    const cpu = perRequest(before, cpuByProcess(), apiResult.requests)
    await tidyDatabase()
    results.push({ api: apiResult, pgbench: pg(), cpu })
  }
  const pick = (key: 'rps' | 'p50' | 'p99') => median(results.map((r) => r.api[key]))
  return {
    api: {
      ...results[0].api,
      rps: pick('rps'),
      p50: pick('p50'),
      p99: pick('p99'),
      requests: results.reduce((sum, r) => sum + r.api.requests, 0),
      errors: results.reduce((sum, r) => sum + r.api.errors, 0),
      non2xx: results.reduce((sum, r) => sum + r.api.non2xx, 0),
    },
    pgbench: median(results.map((r) => r.pgbench)),
    ratio: median(results.map((r) => r.api.rps / r.pgbench)),
    rounds: results.map((r) => ({ rps: r.api.rps, pgbench: r.pgbench })),
    cpuMsPerRequest: Object.fromEntries(
      Object.keys(results[0].cpu).map((group) => [
        group,
        median(results.map((r) => r.cpu[group] ?? 0)),
      ])
    ),
  }
}

/* "web 0.52 ms, PostgreSQL 0.30 ms, …": a paired run's CPU per request by process group. */
export function cpuLine(result: Paired) {
  return Object.entries(result.cpuMsPerRequest)
    .map(([group, ms]) => `${group} ${fixed(ms, 3)} ms`)
    .join(', ')
}

/* "412/1,080 398/1,120 …": each round's API req/s over its pgbench tps. */
export function roundsLine(result: Paired) {
  return result.rounds.map((r) => `${fixed(r.rps, 0)}/${fixed(r.pgbench, 0)}`).join('  ')
}

export function printTable(rows: Record<string, string | number>[]) {
  const columns = Object.keys(rows[0] ?? {})
  const width = (column: string) =>
    Math.max(column.length, ...rows.map((row) => String(row[column]).length))
  const line = (cells: string[]) =>
    cells.map((cell, i) => cell.padEnd(width(columns[i]))).join('  ')
  console.log(line(columns))
  for (const row of rows) console.log(line(columns.map((column) => String(row[column]))))
}

export const fixed = (value: number, digits = 1) => value.toFixed(digits)

export interface PacedResult {
  rate: number
  connections: number
  requests: number
  p50: number
  p90: number
  p99: number
  max: number
  errors: number
  non2xx: number
}

/*
 * Latency at a stated load instead of at saturation: requests are started
 * on a fixed schedule (`rate` per second, evenly spaced) over `connections`
 * keep-alive connections, whatever the answers do, and each latency is
 * counted from the request's scheduled start. A request that had to wait for
 * a free connection therefore counts its wait too (no coordinated omission),
 * which autocannon's per-second `overallRate` bursts cannot show.
 */
export async function paced(options: {
  rate: number
  connections: number
  seconds: number
  headers: Record<string, string>
  path: () => string
}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections })
  const { hostname, port } = new URL(BASE_URL)
  const latencies: number[] = []
  let errors = 0
  let non2xx = 0
  let inFlight = 0
  const total = Math.round(options.rate * options.seconds)
  const interval = 1000 / options.rate
  const start = performance.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const settle = () => {
      if (--inFlight === 0 && sent === total) resolve()
    }
    const send = (scheduled: number) => {
      inFlight++
      let finished = false
      // Once per request, whether it ends in an answer or in a socket error (even mid-body).
      const finish = (failed: boolean) => {
        if (finished) return
        finished = true
        if (failed) errors++
        else latencies.push(performance.now() - scheduled)
        settle()
      }
      const request = http.request(
        { agent, hostname, port, path: options.path(), headers: options.headers },
        (response) => {
          if (response.statusCode! < 200 || response.statusCode! > 299) non2xx++
          response.on('error', () => finish(true))
          response.on('end', () => finish(false))
          response.resume()
        }
      )
      request.on('error', () => finish(true))
      request.end()
    }
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1)
      while (sent < due) send(start + sent++ * interval)
      // A 1 ms timer, not a busy loop: this process shares the two cores with the server.
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  return {
    rate: options.rate,
    connections: options.connections,
    requests: latencies.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: latencies[latencies.length - 1] ?? 0,
    errors,
    non2xx,
  }
}
