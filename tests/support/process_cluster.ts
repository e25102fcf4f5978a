/*
 * Several application processes on the real database and broker, as
 * production runs them (from the TypeScript sources, as `npm start` does after
 * its build): web processes on given ports, workers, and the mock provider in
 * this process (so its randomness can be seeded and its own records read).
 * Each process has a name (`web-1`, `worker-2`…); it can be stopped (SIGTERM,
 * timed), killed (SIGKILL) and started again under the same name and port.
 * `ledgerCheck` runs `ace ledger:check` as its own process. Used by the
 * graceful-shutdown tests, the crash test (tests/functional/chaos/) and
 * bench/chaos.ts.
 *
 *   const cluster = await ProcessCluster.start({ webPorts: [3421, 3422], workers: 3, provider })
 *   await cluster.kill('worker-2')
 *   await cluster.restart('worker-2')
 *   await cluster.stopAll()
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  MockProviderServer,
  type MockProviderOptions,
} from '#dev/mock_provider/mock_provider_server'
import { freePort } from '#tests/support/app_processes'

export interface ClusterOptions {
  /* Extra environment of every child (retry delays, sweeper thresholds…). */
  env?: NodeJS.ProcessEnv
  /* Where each process's stdout and stderr go (one file per process name), else nowhere. */
  logDir?: string
  /* The application's root (default: this working directory). */
  root?: string
  /* How long a process may take to start (ts-exec compiles on the fly). */
  startTimeoutMs?: number
}

export interface ProviderOptions extends Partial<MockProviderOptions> {
  /* PROVIDER_URL of every process started afterwards. */
  port: number
  webhookSecret: string
}

export interface StartOptions extends ClusterOptions {
  /* One web process per port. */
  webPorts: number[]
  workers: number
  provider: ProviderOptions
}

export interface ClusterProcess {
  name: string
  kind: 'web' | 'worker' | 'relay'
  port?: number
  child: ChildProcess
  /* Everything it wrote so far (stdout and stderr; the first 256 kB). */
  output: string
  exited: Promise<number | null>
  /* Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; elapsedMs: number }>
}

const NODE_FLAGS = ['--import=@poppinss/ts-exec']
const OUTPUT_LIMIT = 256_000

export class ProcessCluster {
  provider?: MockProviderServer
  #members = new Map<string, ClusterProcess>()
  #reserved = new Set<string>()
  #logs = new Map<string, WriteStream>()
  #providerPort?: number

  constructor(private options: ClusterOptions = {}) {
    if (options.logDir) mkdirSync(options.logDir, { recursive: true })
  }

  /* The provider, then the web processes and the workers, all started together. */
  static async start(options: StartOptions) {
    const cluster = new ProcessCluster(options)
    try {
      await cluster.startProvider({
        webhookUrl: `http://127.0.0.1:${options.webPorts[0]}/webhooks/provider`,
        ...options.provider,
      })
      await Promise.all([
        ...options.webPorts.map((port) => cluster.startWeb(port)),
        ...Array.from({ length: options.workers }, () => cluster.startWorker()),
      ])
    } catch (error) {
      await cluster.stopAll()
      throw error
    }
    return cluster
  }

  /* The mock provider in this process; processes started afterwards call it. */
  async startProvider(options: ProviderOptions) {
    this.provider = new MockProviderServer({
      host: '127.0.0.1',
      latencyMs: 0,
      errorRate: 0,
      declineRate: 0,
      slowDelayMs: 2000,
      webhookDelayMs: 200,
      webhookUrl: 'http://127.0.0.1:1/unused',
      ...options,
    })
    await this.provider.start()
    this.#providerPort = options.port
    return this.provider
  }

  get webUrls() {
    return this.#ofKind('web').map((member) => `http://127.0.0.1:${member.port}`)
  }

  webNames() {
    return this.#ofKind('web').map((member) => member.name)
  }

  workerNames() {
    return this.#ofKind('worker').map((member) => member.name)
  }

  /* A web process on `port`, resolved once /health/live answers. */
  async startWeb(port: number, env: NodeJS.ProcessEnv = {}, name = this.#nextName('web')) {
    const member = this.#spawn(name, 'web', [...NODE_FLAGS, 'bin/server.ts'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_CONCURRENCY: '1',
      ...env,
    })
    member.port = port
    await this.#until(member, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null)
      return response?.ok === true
    })
    return member
  }

  /*
   * A worker (`ace payouts:work`), resolved once it consumes. Its metrics
   * server (with the health probes) listens on a free port: `probes`.
   */
  async startWorker(env: NodeJS.ProcessEnv = {}, name = this.#nextName('worker')) {
    const port = await freePort()
    const member = this.#spawn(name, 'worker', ['ace.js', 'payouts:work'], {
      WORKER_METRICS_PORT: String(port),
      ...env,
    })
    member.port = port
    await this.#until(member, () => member.output.includes('worker consuming'))
    return { process: member, probes: `http://127.0.0.1:${port}` }
  }

  /*
   * The outbox relay alone (`ace outbox:relay --watch`), as a deployment may
   * run it; resolved once it started (it prints nothing until it publishes).
   */
  async startRelay(env: NodeJS.ProcessEnv = {}, name = this.#nextName('relay')) {
    const member = this.#spawn(name, 'relay', ['ace.js', 'outbox:relay', '--watch'], env)
    await this.#until(member, async () => {
      await sleep(3000)
      return true
    })
    return member
  }

  /* Kills a process (SIGKILL unless told) and waits until it is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL') {
    return (await this.#member(name).stop(signal)).code
  }

  /* Starts a process that exited again, under the same name, port and environment. */
  async restart(name: string) {
    const member = this.#member(name)
    await member.exited
    if (member.kind === 'web') await this.startWeb(member.port!, {}, name)
    else if (member.kind === 'relay') await this.startRelay({}, name)
    else await this.startWorker({}, name)
  }

  isRunning(name: string) {
    const child = this.#member(name).child
    return child.exitCode === null && child.signalCode === null
  }

  /* `ace ledger:check` as its own process: its exit code and output. */
  async ledgerCheck() {
    const child = spawn(process.execPath, ['ace.js', 'ledger:check'], {
      cwd: this.options.root,
      env: this.#env({}),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    return { code, output }
  }

  /* SIGTERM to every process still running, SIGKILL after `graceMs`; then the provider stops. */
  async stopAll(graceMs = 15_000) {
    await Promise.all(
      [...this.#members.values()].map(async (member) => {
        const timer = setTimeout(() => member.child.kill('SIGKILL'), graceMs)
        await member.stop('SIGTERM')
        clearTimeout(timer)
      })
    )
    await this.provider?.stop()
    for (const log of this.#logs.values()) log.end()
  }

  /* The cluster's own provider wins over any PROVIDER_URL inherited from the shell or options. */
  #env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const provider = this.#providerPort
      ? {
          PROVIDER_URL: `http://127.0.0.1:${this.#providerPort}`,
          MOCK_PROVIDER_PORT: String(this.#providerPort),
        }
      : {}
    return { ...process.env, NODE_ENV: 'test', ...this.options.env, ...provider, ...extra }
  }

  #spawn(name: string, kind: ClusterProcess['kind'], args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, args, {
      cwd: this.options.root,
      env: this.#env(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code))
    )
    const member: ClusterProcess = {
      name,
      kind,
      child,
      output: '',
      exited,
      async stop(signal = 'SIGTERM') {
        const started = performance.now()
        if (child.exitCode === null && child.signalCode === null) child.kill(signal)
        const code = await exited
        return { code, elapsedMs: performance.now() - started }
      },
    }
    const log = this.#log(name)
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        if (member.output.length < OUTPUT_LIMIT) member.output += chunk.toString('utf8')
        log?.write(chunk)
      })
    }
    log?.write(`--- ${new Date().toISOString()} ${name} started (pid ${child.pid})\n`)
    this.#members.set(name, member)
    return member
  }

  #log(name: string) {
    if (!this.options.logDir) return undefined
    let log = this.#logs.get(name)
    if (!log) {
      log = createWriteStream(join(this.options.logDir, `${name}.log`), { flags: 'a' })
      this.#logs.set(name, log)
    }
    return log
  }

  async #until(member: ClusterProcess, ready: () => boolean | Promise<boolean>) {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 90_000)
    while (Date.now() < deadline) {
      if (member.child.exitCode !== null || member.child.signalCode !== null) {
        throw new Error(`${member.name} exited while starting:\n${member.output.slice(-2000)}`)
      }
      if (await ready()) return
      await sleep(100)
    }
    member.child.kill('SIGKILL')
    throw new Error(`${member.name} did not start in time:\n${member.output.slice(-2000)}`)
  }

  #ofKind(kind: ClusterProcess['kind']) {
    return [...this.#members.values()].filter((member) => member.kind === kind)
  }

  /* The next free `<kind>-<n>`, reserved at once: processes started together get distinct names. */
  #nextName(kind: ClusterProcess['kind']) {
    let index = 1
    while (this.#members.has(`${kind}-${index}`) || this.#reserved.has(`${kind}-${index}`)) index++
    this.#reserved.add(`${kind}-${index}`)
    return `${kind}-${index}`
  }

  #member(name: string) {
    const member = this.#members.get(name)
    if (!member) throw new Error(`no process named ${name}`)
    return member
  }
}
