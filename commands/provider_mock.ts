import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class ProviderMock extends BaseCommand {
  static commandName = 'provider:mock'
  static description =
    'Run the mock payment provider (HTTP API and signed callbacks) until SIGTERM/SIGINT'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.number({ description: 'Port to listen on (default MOCK_PROVIDER_PORT, 4010)' })
  declare port?: number

  async run() {
    const { default: payoutsConfig } = await import('#config/payouts')
    const { MockProviderServer } = await import('#dev/mock_provider/mock_provider_server')
    const logger = await this.app.container.make('logger')
    const config = payoutsConfig.mockProvider

    const server = new MockProviderServer({
      port: this.port ?? config.port,
      host: config.host,
      latencyMs: config.latencyMs,
      errorRate: config.errorRate,
      declineRate: config.declineRate,
      slowDelayMs: config.slowDelayMs,
      webhookUrl: config.webhookUrl,
      webhookDelayMs: config.webhookDelayMs,
      webhookSecret: payoutsConfig.provider.webhookSecrets[0],
      logger: logger.child({ component: 'mock-provider' }),
    })
    // bin/console.ts turns SIGTERM/SIGINT into app.terminate(), which runs this.
    this.app.terminating(() => server.stop())
    await server.start()
    this.logger.info(
      `Mock provider listening on port ${server.port}, callbacks to ${config.webhookUrl}`
    )
  }
}
