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

    const worker = await this.app.container.make(PayoutWorker)
    const port = payoutsConfig.worker.metricsPort
    const metrics = port > 0 ? await startMetricsServer(port) : undefined
    await worker.start()
    this.logger.info(
      `worker consuming (prefetch ${payoutsConfig.worker.prefetch})${port > 0 ? `, metrics on :${port}/metrics` : ''}`
    )

    // Stop taking messages, let the running ones commit and ack, then let the app close connections.
    this.app.terminating(async () => {
      await worker.stop()
      metrics?.close()
    })
  }
}
