/*
 * HTTP server entry point: `node --import=@poppinss/ts-exec bin/server.ts`
 * (npm start does this for you) or `npm run ace -- serve` while developing.
 *
 * WEB_CONCURRENCY=N (default 1) forks N server processes sharing the port
 * (node:cluster); the web process is stateless, so each is a full replica.
 */
import cluster from 'node:cluster'
import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

/* Read before the app boots (the app parses .env itself later): the shell wins over .env. */
function webConcurrency() {
  const envFile = new URL('../.env', import.meta.url)
  const fromFile = existsSync(envFile)
    ? parseEnv(readFileSync(envFile, 'utf8')).WEB_CONCURRENCY
    : undefined
  const value = Number.parseInt(process.env.WEB_CONCURRENCY ?? fromFile ?? '1', 10)
  return Number.isFinite(value) && value > 1 ? value : 1
}

const concurrency = webConcurrency()

if (concurrency > 1 && cluster.isPrimary) {
  // A scrape of any worker's /metrics answers for all of them, through the primary.
  const { serveClusterMetrics } = await import('#infrastructure/metrics/cluster')
  serveClusterMetrics()
  let alive = 0
  let stopping = false
  const fork = () => {
    alive++
    cluster.fork()
  }
  for (let i = 0; i < concurrency; i++) fork()
  const stop = () => {
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  cluster.on('exit', (worker, code, signal) => {
    alive--
    if (stopping) {
      if (alive === 0) process.exit(0)
      return
    }
    console.error(`web process ${worker.process.pid} exited (${code ?? signal}); starting another`)
    fork()
  })
} else {
  // First: the tracing instrumentations patch modules as they are loaded.
  const tracing = await import('#infrastructure/tracing/sdk')
  await tracing.startTracing('payouts-web', new URL('../', import.meta.url))
  if (cluster.isWorker) {
    const { answerClusterMetrics } = await import('#infrastructure/metrics/cluster')
    answerClusterMetrics()
  }
  await import('reflect-metadata')
  const { Ignitor, prettyPrintError } = await import('@adonisjs/core')

  const APP_ROOT = new URL('../', import.meta.url)
  const IMPORTER = (filePath: string) => {
    if (filePath.startsWith('./') || filePath.startsWith('../')) {
      return import(new URL(filePath, APP_ROOT).href)
    }
    return import(filePath)
  }

  new Ignitor(APP_ROOT, { importer: IMPORTER })
    .tap((app) => {
      app.booting(async () => {
        await import('#start/env')
      })
      app.terminating(() => tracing.shutdownTracing())
      /*
       * Adonis stops accepting connections and waits for the requests in
       * flight; past WEB_SHUTDOWN_GRACE_MS the connections still open are cut.
       * A cluster worker stays attached to its primary: leave explicitly once terminated.
       */
      const terminate = async () => {
        const { exitAfter } = await import('#infrastructure/lifecycle/shutdown')
        const { webGraceMs, closeMarginMs } = app.config.get<{
          webGraceMs: number
          closeMarginMs: number
        }>('lifecycle')
        const server = await app.container.make('server')
        const cut = setTimeout(() => server.getNodeServer()?.closeAllConnections(), webGraceMs)
        cut.unref()
        exitAfter(webGraceMs + closeMarginMs, 1, 'web shutdown did not finish')
        await app.terminate()
        clearTimeout(cut)
        if (cluster.isWorker) process.exit(0)
      }
      app.listen('SIGTERM', terminate)
      app.listen('SIGINT', terminate)
    })
    .httpServer()
    .start()
    .catch((error) => {
      process.exitCode = 1
      prettyPrintError(error)
    })
}
