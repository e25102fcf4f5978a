/*
 * Shared pieces of the benchmarks: a dedicated database, the web process
 * started as a child, an API token, autocannon runs and pgbench runs, and one
 * way of printing results. Benchmarks print numbers; they assert nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import type pg from 'pg'
import {
  buildApp,
  ensureDatabase,
  NODE_FLAGS,
  pgClient as connect,
  readEnv,
} from '../scripts/support.ts'

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
  // Two web processes on this 2-core machine unless told otherwise (see bin/server.ts).
  WEB_CONCURRENCY: process.env.WEB_CONCURRENCY || '2',
}

export function pgClient() {
  return connect(env, BENCH_DB)
}

/* The benchmark accounts bench-1 … bench-N in EUR (created once). */
export async function ensureBenchAccounts(client: pg.Client, count: number) {
  await client.query(
    `INSERT INTO accounts (external_ref, currency)
     SELECT 'bench-' || g, 'EUR' FROM generate_series(1, $1::int) g ON CONFLICT DO NOTHING`,
    [count]
  )
}

export async function prepareDatabase() {
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

export async function startWeb(extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...NODE_FLAGS.web, 'build/bin/server.js'], {
    env: { ...benchEnv, ...extraEnv },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(`${BASE_URL}/health/live`)
      if (response.ok) return child
    } catch {}
    await sleep(250)
  }
  child.kill('SIGKILL')
  throw new Error('the web process did not start')
}

export async function stopWeb(child: ChildProcess) {
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
}

/* Resident set size of a process and its children (cluster workers), in bytes. */
function treeRss(pid: number) {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
  const status = spawnSync('ps', ['-o', 'rss=', '-p', [pid, ...children].join(',')], {
    encoding: 'utf8',
  })
  return status.stdout
    .split('\n')
    .filter(Boolean)
    .reduce((sum, kb) => sum + Number(kb.trim()) * 1024, 0)
}

/*
 * Peak resident set size of a process (with its cluster workers, and the
 * largest single one), sampled every 200 ms while `work` runs.
 */
export async function peakRss<T>(pid: number, work: () => Promise<T>) {
  let peak = 0
  let peakSingle = 0
  const sample = () => {
    peak = Math.max(peak, treeRss(pid))
    const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
    for (const child of [String(pid), ...children]) {
      const rss = spawnSync('ps', ['-o', 'rss=', '-p', child], { encoding: 'utf8' })
      peakSingle = Math.max(peakSingle, Number(rss.stdout.trim()) * 1024 || 0)
    }
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

export interface LoadResult {
  label: string
  connections: number
  requests: number
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

export async function load(
  label: string,
  options: autocannon.Options & { connections: number }
): Promise<LoadResult> {
  const result = await autocannon({ duration: 10, ...options })
  return {
    label,
    connections: options.connections,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}

/* Runs a pgbench script against the benchmark database; returns transactions per second. */
export function pgbench(
  script: string,
  clients: number,
  seconds: number,
  variables: Record<string, string> = {}
): number {
  const args = [
    '-n',
    '-h',
    env.DB_HOST || '127.0.0.1',
    '-p',
    String(env.DB_PORT || 5432),
    '-U',
    env.DB_USER || 'postgres',
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
    '-M',
    'extended',
    '-f',
    script,
    ...Object.entries(variables).flatMap(([name, value]) => ['-D', `${name}=${value}`]),
    BENCH_DB,
  ]
  const run = spawnSync('pgbench', args, {
    encoding: 'utf8',
    env: { ...process.env, PGPASSWORD: env.DB_PASSWORD || '' },
  })
  const match = /tps = ([\d.]+)/.exec(run.stdout)
  if (!match) throw new Error(`pgbench failed: ${run.stderr || run.stdout}`)
  return Number(match[1])
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
