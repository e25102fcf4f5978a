import logger from '@adonisjs/core/services/logger'
import type { Outbox } from '#infrastructure/outbox/outbox'

/* Rows younger than this are still their after-commit publisher's business. */
const MIN_AGE_MS = 2000
const BATCH = 200

/*
 * The relay inside long-running processes (web and worker): every interval it
 * publishes outbox rows a crash or a broker outage left behind, batch after
 * batch until none is left. stop() waits for a pass in progress.
 */
export class OutboxRelayLoop {
  #timer?: NodeJS.Timeout
  #pass?: Promise<void>
  #stopped = false

  constructor(
    private outbox: Outbox,
    private intervalMs: number
  ) {}

  start() {
    this.#stopped = false
    this.#schedule()
  }

  async stop() {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#pass
  }

  async runOnce() {
    try {
      let published: number
      do {
        published = await this.outbox.relayOnce(BATCH, MIN_AGE_MS)
      } while (published === BATCH && !this.#stopped)
    } catch (error) {
      logger.warn({ err: error }, 'outbox relay pass failed; next pass retries')
    }
  }

  #schedule() {
    if (this.#stopped) return
    this.#timer = setTimeout(async () => {
      this.#pass = this.runOnce()
      await this.#pass
      this.#schedule()
    }, this.intervalMs)
    this.#timer.unref()
  }
}
