import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PayoutsWork extends BaseCommand {
  static commandName = 'payouts:work'
  static description =
    'Run the worker: consume payouts.process and payments.pay-order until SIGTERM/SIGINT, then finish in-flight messages'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  async run() {
    const { PayoutWorker } = await import('#consumers/payout_worker')
    const { startMetricsServer } = await import('#infrastructure/metrics/metrics_server')
    const { default: payoutsConfig } = await import('#config/payouts')
    const { workerProbeRoutes } = await import('#infrastructure/lifecycle/worker_probes')
    const { stopWithin, exitAfter } = await import('#infrastructure/lifecycle/shutdown')
    const { DatabaseProbe } = await import('#infrastructure/health/database_probe')
    const { default: lifecycleConfig } = await import('#config/lifecycle')
    const { default: healthConfig } = await import('#config/health')

    const worker = await this.app.container.make(PayoutWorker)
    let stopping = false
    const probes = workerProbeRoutes({
      consuming: () => worker.consuming,
      stopping: () => stopping,
      database: new DatabaseProbe(),
      timeoutMs: healthConfig.timeoutMs,
    })
    const port = payoutsConfig.worker.metricsPort
    const host = payoutsConfig.worker.metricsHost
    const metrics = port > 0 ? await startMetricsServer(port, host, probes) : undefined
    await worker.start()
    this.logger.info(
      `worker consuming (prefetch ${payoutsConfig.worker.prefetch})${port > 0 ? `, metrics on :${port}/metrics` : ''}`
    )

    /*
     * Stop taking messages and let the running ones commit and ack, within
     * the grace period; past it, hand the unacked ones back to the broker.
     * Then the app closes its connections.
     */
    this.app.terminating(async () => {
      stopping = true
      const grace = lifecycleConfig.workerGraceMs
      exitAfter(grace + lifecycleConfig.closeMarginMs, 1, 'worker shutdown did not finish')
      // A failed stop is left to the app's own shutdown (closing the broker waits for handlers).
      const drained = await stopWithin(grace, () => worker.stop()).catch((error: Error) => {
        this.logger.error(`worker stop failed: ${error.message}`)
      })
      if (drained === false) {
        this.logger.warning(
          `in-flight messages not finished after ${grace} ms: returned to the queue`
        )
        await worker.returnUnacked()
      }
      metrics?.close()
    })
  }
}
