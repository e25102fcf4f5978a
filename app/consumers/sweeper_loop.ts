import logger from '@adonisjs/core/services/logger'
import type { ReconcilePayouts } from '#actions/payouts/reconcile_payouts'

/*
 * The sweeper inside a worker: one sweep every `intervalMs` (0: never). No
 * leader: every worker sweeps, and the claims' SKIP LOCKED keep them apart
 * (docs/adr/0009). A failed sweep (database or broker down) is logged and the
 * next one tries again. stop() waits for a sweep in progress.
 */
export class SweeperLoop {
  #timer?: NodeJS.Timeout
  #sweep?: Promise<void>
  #stopped = true

  constructor(
    private reconcile: ReconcilePayouts,
    private intervalMs: number
  ) {}

  start() {
    if (this.intervalMs <= 0) return
    this.#stopped = false
    this.#schedule()
  }

  async stop() {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#sweep
  }

  async #run() {
    try {
      const results = await this.reconcile.handle()
      const acted = results.filter((result) => result.action !== 'nothing')
      if (acted.length > 0) {
        logger.info(
          { actions: acted.map(({ payoutId, action, reason }) => ({ payoutId, action, reason })) },
          `sweeper acted on ${acted.length} payout(s)`
        )
      }
    } catch (error) {
      logger.warn({ err: error }, 'sweep failed; the next one tries again')
    }
  }

  #schedule() {
    if (this.#stopped) return
    // Jitter, so that workers started together do not sweep in lockstep.
    const delay = this.intervalMs * (0.75 + Math.random() / 2)
    this.#timer = setTimeout(async () => {
      this.#sweep = this.#run()
      await this.#sweep
      this.#schedule()
    }, delay)
    this.#timer.unref()
  }
}
