import logger from '@adonisjs/core/services/logger'
import type { Outbox } from '#infrastructure/outbox/outbox'

/* Rows younger than this are still their after-commit publisher's business. */
const MIN_AGE_MS = 2000
const BATCH = 200

export interface OutboxRelayOptions {
  /* Only rows older than this (default 2 s: younger ones are being published after commit). */
  minAgeMs?: number
  /* Called after every scheduled pass that succeeded, with the rows it published. */
  onPass?: (published: number) => void
  /* Keep the process alive while the loop runs (a process that only relays). */
  holdProcess?: boolean
}

/*
 * The relay of long-running processes (web, worker, `outbox:relay --watch`):
 * every interval it publishes outbox rows a crash or a broker outage left
 * behind, batch after batch until none is left. stop() waits for a pass in
 * progress.
 */
export class OutboxRelayLoop {
  #timer?: NodeJS.Timeout
  #pass?: Promise<void>
  #stopped = false

  constructor(
    private outbox: Outbox,
    private intervalMs: number,
    private options: OutboxRelayOptions = {}
  ) {}

  /* Starts the loop: the first pass after one interval, or at once with `immediately`. */
  start({ immediately = false } = {}) {
    this.#stopped = false
    this.#schedule(immediately ? 0 : this.intervalMs)
  }

  async stop() {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#pass
  }

  /* One pass, batch after batch until none is left (or stopped); resolves to the rows published. */
  async pass() {
    const minAgeMs = this.options.minAgeMs ?? MIN_AGE_MS
    let total = 0
    let published: number
    do {
      published = await this.outbox.relayOnce(BATCH, minAgeMs)
      total += published
    } while (published === BATCH && !this.#stopped)
    return total
  }

  async #scheduledPass() {
    try {
      // Not `onPass?.(await this.pass())`: without onPass that would skip the pass itself.
      const published = await this.pass()
      this.options.onPass?.(published)
    } catch (error) {
      logger.warn({ err: error }, 'outbox relay pass failed; next pass retries')
    }
  }

  #schedule(delayMs = this.intervalMs) {
    if (this.#stopped) return
    this.#timer = setTimeout(async () => {
      this.#pass = this.#scheduledPass()
      await this.#pass
      this.#schedule()
    }, delayMs)
    if (!this.options.holdProcess) this.#timer.unref()
  }
}
