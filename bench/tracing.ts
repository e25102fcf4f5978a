/*
 * npm run bench:tracing — what tracing costs a create-payout (issue 17): two
 * web processes on one database, one without tracing and one exporting every
 * span (OTEL_TRACES_SAMPLER=always_on) over OTLP/HTTP to a receiver in this
 * process, which counts and drops them. Keyed creates at 16 connections go to
 * each in turn, ROUNDS times; printed: req/s and CPU per request of each web
 * process (medians of the rounds) and the change, and the CPU per create of
 * every process group (both web processes, PostgreSQL, RabbitMQ) on each side.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  BENCH_PORT,
  cpuByProcess,
  createToken,
  createPayoutRequest,
  ensureBenchAccounts,
  fixed,
  fundBenchAccounts,
  median,
  perRequest,
  pgClient,
  prepareDatabase,
  printTable,
  purgeProcessQueue,
  ROUNDS,
  startWeb,
  stopWeb,
  tidyDatabase,
  WARM_UP_SECONDS,
} from './support.ts'
import { load, type LoadOptions } from './load.ts'

const SECONDS = Number(process.env.BENCH_SECONDS || 10)

/*
 * Tracing off, the SDK is never loaded; what remains on a create is our own
 * calls into the no-op API (build/app/infrastructure/tracing/spans.js): one
 * payout traceparent, two message headers, a span wrapper, an annotation and
 * the log mixin. Their CPU per create, in microseconds, timed in this process.
 */
async function offPathMicroseconds() {
  const spans = await import(
    new URL('../build/app/infrastructure/tracing/spans.js', import.meta.url).href
  )
  const creates = 100_000
  const started = process.cpuUsage()
  for (let i = 0; i < creates; i++) {
    spans.producingTraceparent()
    spans.withTraceparent({})
    spans.withTraceparent({})
    await spans.inSpan('create', {}, async () => i)
    spans.annotateActiveSpan({ 'payout.id': 'x' })
    spans.traceLogFields()
  }
  const used = process.cpuUsage(started)
  return (used.user + used.system) / creates
}

/* An OTLP/HTTP endpoint that answers every export at once and counts what came. */
async function startSink() {
  const received = { exports: 0, bytes: 0 }
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (received.bytes += chunk.length))
    request.on('end', () => {
      received.exports++
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { received, server, port: (server.address() as AddressInfo).port }
}

async function main() {
  await prepareDatabase()
  const client = pgClient()
  await client.connect()
  await ensureBenchAccounts(client, 1000)
  await fundBenchAccounts(client)
  const ids = (await client.query(`SELECT id FROM accounts WHERE external_ref LIKE 'bench-%'`))
    .rows as { id: string }[]
  await client.end()

  const sink = await startSink()
  const token = createToken()
  const headers = { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' }
  const tracedPort = BENCH_PORT + 1
  const off = await startWeb({ BENCH_ROLE: 'web, tracing off' })
  const on = await startWeb({
    BENCH_ROLE: 'web, tracing on',
    PORT: String(tracedPort),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sink.port}`,
    OTEL_TRACES_SAMPLER: 'always_on',
    // BENCH_OTLP_PROTOCOL=http/json compares the JSON exporter with the default protobuf one.
    ...(process.env.BENCH_OTLP_PROTOCOL
      ? { OTEL_EXPORTER_OTLP_PROTOCOL: process.env.BENCH_OTLP_PROTOCOL }
      : {}),
  })
  const options = (port: number): LoadOptions => ({
    url: `http://127.0.0.1:${port}`,
    connections: 16,
    duration: SECONDS,
    request: createPayoutRequest(
      ids.map((row) => row.id),
      headers
    ),
  })
  const sides = [
    { label: 'tracing off', role: 'web, tracing off', port: BENCH_PORT },
    { label: 'tracing on, 100 %', role: 'web, tracing on', port: tracedPort },
  ]
  const measured = new Map<
    string,
    { rps: number; cpu: number; p99: number; groups: Record<string, number> }[]
  >()
  try {
    for (const side of sides) {
      await load(`${side.label} (warm-up)`, { ...options(side.port), duration: WARM_UP_SECONDS })
    }
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first: this VM's speed drifts within minutes.
      for (const side of round % 2 ? [...sides].reverse() : sides) {
        await tidyDatabase()
        const before = cpuByProcess()
        const result = await load(side.label, options(side.port))
        const cpu = perRequest(before, cpuByProcess(), result.requests)
        const runs = measured.get(side.label) ?? []
        runs.push({ rps: result.rps, cpu: cpu[side.role], p99: result.p99, groups: cpu })
        measured.set(side.label, runs)
      }
    }
  } finally {
    await Promise.all([stopWeb(off), stopWeb(on)])
    sink.server.close()
    await purgeProcessQueue()
  }

  const summary = sides.map((side) => {
    const runs = measured.get(side.label)!
    return {
      label: side.label,
      rps: median(runs.map((r) => r.rps)),
      cpu: median(runs.map((r) => r.cpu)),
      p99: median(runs.map((r) => r.p99)),
      rounds: runs.map((r) => fixed(r.rps, 0)).join(' '),
      // Every group's CPU per request (medians), the idle web process's included.
      groups: Object.fromEntries(
        Object.keys(runs[0].groups).map((group) => [
          group,
          median(runs.map((r) => r.groups[group] ?? 0)),
        ])
      ),
    }
  })
  printTable(
    summary.map((s) => ({
      'create at 16': s.label,
      'req/s': fixed(s.rps),
      'p99 ms': fixed(s.p99),
      'web CPU ms/request': fixed(s.cpu, 3),
      'req/s by round': s.rounds,
    }))
  )
  console.log('\nCPU ms per create, by process group (medians):')
  printTable(
    summary.map((s) => ({
      side: s.label,
      ...Object.fromEntries(Object.entries(s.groups).map(([group, ms]) => [group, fixed(ms, 3)])),
    }))
  )
  const [plain, traced] = summary
  console.log(
    `\ntracing on at 100 %: ${fixed((traced.rps / plain.rps - 1) * 100)} % req/s,` +
      ` ${fixed((traced.cpu / plain.cpu - 1) * 100)} % web CPU per request (target: req/s within 15 %)`
  )
  const offPath = await offPathMicroseconds()
  console.log(
    `tracing off: the SDK is not loaded; our no-op tracing calls cost ${fixed(offPath, 2)} µs per create,` +
      ` ${fixed((offPath / 1000 / plain.cpu) * 100, 2)} % of its web CPU (target: within 3 %)`
  )
  console.log(
    `the receiver got ${sink.received.exports} exports, ${fixed(sink.received.bytes / 1e6)} MB`
  )
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
