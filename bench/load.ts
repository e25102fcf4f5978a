/*
 * Closed-loop HTTP load: `connections` keep-alive connections, each sending
 * its next request as soon as the last one is answered, for `duration`
 * seconds. The generator is wrk (C, one thread) where it is installed
 * (`npm run bench:*` installs it when run as root), autocannon otherwise.
 *
 * Why wrk first: the load generator shares this machine's two cores with the
 * web process and PostgreSQL, and the API's rate is compared with pgbench's,
 * itself a small C client. Whatever CPU the generator spends is taken from
 * the service it measures: against the same web process, wrk (about 0.06 of
 * a core at 1,000 req/s) got 15-25 % more balance-at lookups than autocannon,
 * at a lower p99 (2026-12-03).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'

/* One kind of request a run sends over and over; path and body may differ per request. */
export interface RequestSpec {
  method: 'GET' | 'POST'
  path: () => string
  body?: () => string
  headers: Record<string, string>
  /* Every request with an Idempotency-Key of its own. */
  idempotencyKey?: boolean
}

export interface LoadOptions {
  url: string
  connections: number
  /* Seconds. */
  duration: number
  request: RequestSpec
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

/* wrk's script reads this many prepared requests per run and cycles through them. */
const SAMPLES = 20_000
/* Like autocannon's default: an answer slower than this counts as an error. */
const TIMEOUT_SECONDS = 10

let installedWrk: string | null | undefined

/* wrk's version ("4.1.0") when it is installed, else null (then autocannon runs). */
function wrkVersion(): string | null {
  if (installedWrk === undefined) {
    const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' })
    const match = /wrk \S*?(\d+\.\d+\.\d+)/.exec(probe.stdout ?? '')
    installedWrk = probe.error || !match ? null : match[1]
  }
  return installedWrk
}

/* The generator a run uses, as the reports name it. */
export function loadGenerator(): string {
  const version = wrkVersion()
  return version ? `wrk ${version}, 1 thread` : 'autocannon'
}

export async function load(label: string, options: LoadOptions): Promise<LoadResult> {
  const measured = wrkVersion() ? withWrk : withAutocannon
  return { label, connections: options.connections, ...(await measured(options)) }
}

type Measured = Omit<LoadResult, 'label' | 'connections'>

async function withAutocannon({ url, connections, duration, request }: LoadOptions) {
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: request.method,
        setupRequest: (sent) => ({
          ...sent,
          path: request.path(),
          body: request.body?.(),
          headers: request.idempotencyKey
            ? { ...request.headers, 'idempotency-key': randomUUID() }
            : request.headers,
        }),
      },
    ],
  })
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  } satisfies Measured
}

async function withWrk({ url, connections, duration, request }: LoadOptions): Promise<Measured> {
  const folder = mkdtempSync(join(tmpdir(), 'payouts-bench-'))
  try {
    const file = join(folder, 'requests.tsv')
    const lines: string[] = []
    for (let i = 0; i < SAMPLES; i++) {
      const body = request.body?.()
      lines.push([request.method, request.path(), ...(body ? [body] : [])].join('\t'))
    }
    writeFileSync(file, lines.join('\n') + '\n')
    const args = [
      '-t1',
      `-c${connections}`,
      `-d${duration}s`,
      `--timeout=${TIMEOUT_SECONDS}s`,
      '-s',
      new URL('wrk.lua', import.meta.url).pathname,
      ...Object.entries(request.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
      url,
    ]
    // Not spawnSync: this process samples the web process's memory meanwhile (peakRss).
    const child = spawn('wrk', args, {
      env: {
        ...process.env,
        WRK_REQUESTS: file,
        WRK_IDEMPOTENCY: request.idempotencyKey ? '1' : '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    const report = output.trim().split('\n').pop() ?? ''
    if (code !== 0 || !report.startsWith('{')) throw new Error(`wrk failed: ${output}`)
    const run = JSON.parse(report)
    return {
      requests: run.requests,
      rps: run.requests / run.seconds,
      p50: run.p50,
      p99: run.p99,
      errors: run.socketErrors + run.timeouts,
      non2xx: run.non2xx,
    }
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}
