import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class OutboxRelay extends BaseCommand {
  static commandName = 'outbox:relay'
  static description =
    'Publish outbox rows left unpublished (a crash between commit and publish); runs once, or --watch'
  static options: CommandOptions = { startApp: true, staysAlive: true }

  @flags.boolean({ description: 'Keep relaying every OUTBOX_RELAY_INTERVAL_MS until SIGTERM' })
  declare watch: boolean

  @flags.number({ description: 'Only rows older than this many milliseconds', default: 0 })
  declare minAge: number

  async run() {
    const { Outbox } = await import('#infrastructure/outbox/outbox')
    const { default: payoutsConfig } = await import('#config/payouts')
    const outbox = await this.app.container.make(Outbox)

    const pass = async () => {
      let total = 0
      let published: number
      do {
        published = await outbox.relayOnce(200, this.minAge)
        total += published
      } while (published === 200)
      return total
    }

    if (!this.watch) {
      const total = await pass()
      this.logger.success(`published ${total} outbox message(s)`)
      await this.terminate()
      return
    }
    let stopped = false
    let timer: NodeJS.Timeout | undefined
    const loop = async () => {
      if (stopped) return
      const total = await pass().catch((error) => {
        this.logger.warning(`relay pass failed: ${(error as Error).message}`)
        return 0
      })
      if (total > 0) this.logger.info(`published ${total} outbox message(s)`)
      timer = setTimeout(loop, payoutsConfig.worker.outboxRelayIntervalMs)
    }
    this.app.terminating(() => {
      stopped = true
      clearTimeout(timer)
    })
    await loop()
  }
}
