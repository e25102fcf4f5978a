/*
 * `npm test`: prepare the test databases (created when missing, migrated from
 * scratch), then run every Japa suite. Extra arguments go to Japa and run one
 * process as before, e.g. `npm test -- unit` or
 * `npm test -- functional '--files=payouts/*'`.
 *
 * Without arguments the spec files are split into TEST_SHARDS shards (default
 * 2) that run at the same time, each with its own database, RabbitMQ vhost and
 * ports: most tests wait on a worker, a provider or a timer, so two shards
 * keep both cores busy. A spec file that marks itself `@runs-alone` (it
 * restarts the broker or loads the whole machine) runs after the shards, by
 * itself. Each shard's output is printed whole when it ends; the counts add up
 * in tmp/test-summary.json for .ci/run.
 */
import { spawn, spawnSync } from 'node:child_process'
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { ace, ensureDatabase, log, readEnv } from './support.ts'
import type { TestSummary } from '../tests/reporters/summary_reporter.ts'

process.env.NODE_ENV = 'test'
const env = readEnv('.env.test', '.env')

/*
 * Tests get a RabbitMQ vhost of their own, named after the test database and
 * created afresh on every run. Messages that other processes left on the
 * shared broker (a running `npm start`, a benchmark, an interrupted run) then
 * cannot reach the tests' worker and slow its sweeps, and two runs on
 * different databases do not consume each other's commands. It needs the
 * local `rabbitmqctl` (root, as on CI); without it, or for a remote broker or
 * a URL that names its own vhost, the tests use RABBITMQ_URL as configured.
 */
function freshVhost(url: string, name: string): string {
  const parsed = new URL(url)
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
  if (!local || (parsed.pathname !== '' && parsed.pathname !== '/')) return url
  const rabbitmqctl = (...args: string[]) =>
    spawnSync('rabbitmqctl', args, { encoding: 'utf8', timeout: 60_000 })
  const removed = rabbitmqctl('delete_vhost', name) // fails harmlessly when it does not exist
  if (removed.error) {
    log('rabbitmqctl not usable here: tests share the configured RabbitMQ vhost')
    return url
  }
  const user = decodeURIComponent(parsed.username) || 'guest'
  const added = rabbitmqctl('add_vhost', name)
  const allowed = rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*')
  if (added.status !== 0 || allowed.status !== 0) {
    log(`could not create the RabbitMQ vhost ${name}: tests share the configured vhost`)
    return url
  }
  parsed.pathname = `/${encodeURIComponent(name)}`
  log(`tests use the fresh RabbitMQ vhost ${name}`)
  return parsed.toString()
}

/* What one test process needs of its own: a database, a vhost, ports. */
interface Lane {
  database: string
  env: NodeJS.ProcessEnv
}

async function prepareLane(database: string, offset: number): Promise<Lane> {
  await ensureDatabase(database, env)
  const port = Number(env.PORT || 3334) + offset
  const providerPort = Number(env.MOCK_PROVIDER_PORT || 4011) + offset
  const laneEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DB_DATABASE: database,
    RABBITMQ_URL: freshVhost(env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672', database),
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    MOCK_PROVIDER_WEBHOOK_URL: `http://localhost:${port}/webhooks/provider`,
    MOCK_PROVIDER_PORT: String(providerPort),
    PROVIDER_URL: `http://127.0.0.1:${providerPort}`,
  }
  ace(['migration:fresh', '--force'], laneEnv)
  return { database, env: laneEnv }
}

function japa(args: string[], laneEnv: NodeJS.ProcessEnv) {
  return [
    process.execPath,
    ['--import=@poppinss/ts-exec', 'bin/test.ts', ...args],
    laneEnv,
  ] as const
}

/* Every spec file under tests/, relative, sorted. */
function specFiles(dir = 'tests'): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return specFiles(path)
      return entry.name.endsWith('.spec.ts') ? [path] : []
    })
    .sort()
}

function readTestSummary(file: string): TestSummary | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as TestSummary) : null
}

/* Runs one shard's files with its output kept in a log, printed whole at the end. */
function runShard(name: string, files: string[], lane: Lane, summaryFile: string) {
  const logFile = `tmp/test-${name.replace(/\s+/g, '-')}.log`
  const [command, args, laneEnv] = japa([`--files=${files.join(',')}`], {
    ...lane.env,
    TEST_SUMMARY_FILE: summaryFile,
    FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0'),
  })
  const output = createWriteStream(logFile)
  const child = spawn(command, args, { env: laneEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.pipe(output, { end: false })
  child.stderr.pipe(output, { end: false })
  return new Promise<number>((resolve) => {
    child.on('close', (code, signal) => {
      output.end(() => {
        log(`── ${name}: ${files.length} spec files, exit ${code ?? signal} ──`)
        process.stdout.write(readFileSync(logFile))
        resolve(code ?? 1)
      })
    })
  })
}

async function sharded() {
  const base = env.DB_DATABASE || 'payouts_test'
  const shards = Math.max(1, Number(process.env.TEST_SHARDS || 2))
  const files = specFiles()
  const alone = files.filter((file) => /@runs-alone\b/.test(readFileSync(file, 'utf8')))
  const shared = files.filter((file) => !alone.includes(file))
  // Browser specs are the slowest files; spread them first, then the rest in turn.
  const ordered = [
    ...shared.filter((f) => f.startsWith('tests/browser/')),
    ...shared.filter((f) => !f.startsWith('tests/browser/')),
  ]
  const buckets: string[][] = Array.from({ length: shards }, () => [])
  ordered.forEach((file, i) => buckets[i % shards].push(file))

  const lanes: Lane[] = []
  for (let i = 0; i < shards; i++) lanes.push(await prepareLane(`${base}_${i + 1}`, i * 20))
  log(`running ${shared.length} spec files in ${shards} shards, then ${alone.length} alone`)
  const summaries = buckets.map((_, i) => `tmp/test-summary-${i + 1}.json`)
  mkdirSync('tmp', { recursive: true })
  for (const file of [...summaries, 'tmp/test-summary-alone.json']) rmSync(file, { force: true })
  const codes = await Promise.all(
    buckets.map((bucket, i) =>
      bucket.length ? runShard(`shard ${i + 1}`, bucket, lanes[i], summaries[i]) : 0
    )
  )
  if (alone.length) {
    summaries.push('tmp/test-summary-alone.json')
    codes.push(await runShard('alone', alone, lanes[0], summaries.at(-1)!))
  }

  const total: TestSummary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    todo: 0,
    total: 0,
    has_error: false,
    failed_tests: [],
    duration_ms: 0,
  }
  summaries.forEach((file, i) => {
    const part = readTestSummary(file)
    // A shard that died before its reporter ran counts as one failure.
    if (!part) return void (codes[i] !== 0 && (total.failed += 1))
    total.passed += part.passed
    total.failed += part.failed
    total.skipped += part.skipped
    total.todo += part.todo
    total.total += part.total
    total.has_error ||= part.has_error
    total.failed_tests.push(...part.failed_tests)
    total.duration_ms = Math.max(total.duration_ms, part.duration_ms)
  })
  writeFileSync('tmp/test-summary.json', `${JSON.stringify(total, null, 2)}\n`)
  log(
    `all shards: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped` +
      (total.failed_tests.length ? `\n  failed: ${total.failed_tests.join('\n  failed: ')}` : '')
  )
  process.exit(codes.every((code) => code === 0) ? 0 : 1)
}

async function single(args: string[]) {
  const lane = await prepareLane(env.DB_DATABASE || 'payouts_test', 0)
  log('running tests')
  const [command, japaArgs, laneEnv] = japa(args, lane.env)
  const result = spawnSync(command, japaArgs, { stdio: 'inherit', env: laneEnv })
  process.exit(result.status ?? 1)
}

const args = process.argv.slice(2)
;(args.length ? single(args) : sharded()).catch((error) => {
  log(`test setup failed: ${(error as Error).message}`)
  process.exit(1)
})
