import { hostname } from 'node:os'
import logger from '@adonisjs/core/services/logger'
import consoleConfig from '#config/console'
import { PgListener } from '#infrastructure/database/pg_listener'
import { InFlight } from '#infrastructure/worker/in_flight'
import {
  CONSUMER_PAUSES_CHANNEL,
  pausedQueues,
  pruneHeartbeats,
  removeHeartbeat,
  writeHeartbeat,
} from '#infrastructure/worker/worker_state'

/* What the control needs of the worker: pause and resume one queue's consumer. */
export interface ControlledWorker {
  /* Queues this process has a consumer on right now. */
  consumingQueues(): string[]
  /* Cancels the queue's consumer; resolves once its running handlers finished. */
  pauseQueue(queue: string): Promise<void>
  /* Creates the queue's consumer again. */
  resumeQueue(queue: string): Promise<void>
}

/*
 * The worker's side of the console: applies the operators' pause state
 * (consumer_pauses) to the pausable queues, at start, on NOTIFY and on every
 * heartbeat (in case a notification was missed), and writes this process's
 * heartbeat with the messages it holds. Changes are applied one at a time.
 */
export class ConsumerControl {
  readonly inFlight = new InFlight()
  readonly #startedAt = new Date()
  #listener: PgListener
  #timer?: NodeJS.Timeout
  #chain: Promise<void> = Promise.resolve()
  #stopped = false

  constructor(
    private worker: ControlledWorker,
    private identity: { name: string; role: string; prefetch: number; pausable: string[] }
  ) {
    this.#listener = new PgListener({
      channels: [CONSUMER_PAUSES_CHANNEL],
      applicationName: `${identity.name}:control`,
      onNotification: () => void this.sync(),
      onListening: () => void this.sync(),
    })
  }

  /*
   * Consumes the pausable queues unless paused; resolves once the state was
   * applied once. LISTEN and the first heartbeat follow in the background
   * (once listening, the state is read again, so nothing said meanwhile is missed).
   */
  async start() {
    this.#stopped = false
    await this.sync()
    void this.#listener.start()
    this.#timer = setInterval(() => void this.tick(), consoleConfig.workers.heartbeatMs)
    this.#timer.unref()
    void this.beat()
  }

  /* Before the worker cancels its consumers: nothing is resumed after this. */
  async stop() {
    this.#stopped = true
    clearInterval(this.#timer)
    await this.#listener.stop()
    await this.#chain
    await removeHeartbeat(this.identity.name).catch(() => {})
  }

  /* Reads the pause state and pauses or resumes each pausable queue to match. */
  sync() {
    this.#chain = this.#chain
      .then(() => this.#apply())
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not apply the consumer pause state; retrying')
      })
    return this.#chain
  }

  async #apply() {
    if (this.#stopped) return
    const paused = await pausedQueues()
    const consuming = new Set(this.worker.consumingQueues())
    for (const queue of this.identity.pausable) {
      if (this.#stopped) return
      if (paused.has(queue) && consuming.has(queue)) {
        logger.info({ queue }, 'paused by an operator: consumer cancelled')
        await this.worker.pauseQueue(queue)
      } else if (!paused.has(queue) && !consuming.has(queue)) {
        await this.worker.resumeQueue(queue)
        logger.info({ queue }, 'consuming')
      }
    }
  }

  async tick() {
    await this.sync()
    await this.beat()
  }

  async beat() {
    if (this.#stopped) return
    try {
      await writeHeartbeat({
        name: this.identity.name,
        role: this.identity.role,
        host: hostname(),
        pid: process.pid,
        startedAt: this.#startedAt,
        prefetch: this.identity.prefetch,
        consuming: this.worker.consumingQueues(),
        inFlight: this.inFlight.list(),
      })
      await pruneHeartbeats(consoleConfig.workers.forgetAfterMs)
    } catch (error) {
      logger.warn({ err: error }, 'worker heartbeat not written')
    }
  }
}
