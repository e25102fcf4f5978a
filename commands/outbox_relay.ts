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
    const { OutboxRelayLoop } = await import('#infrastructure/outbox/relay_loop')
    const { default: payoutsConfig } = await import('#config/payouts')
    const relay = new OutboxRelayLoop(
      await this.app.container.make(Outbox),
      payoutsConfig.worker.outboxRelayIntervalMs,
      {
        minAgeMs: this.minAge,
        holdProcess: true,
        onPass: (total) => {
          if (total > 0) this.logger.info(`published ${total} outbox message(s)`)
        },
      }
    )

    if (!this.watch) {
      const total = await relay.pass()
      this.logger.success(`published ${total} outbox message(s)`)
      await this.terminate()
      return
    }
    this.app.terminating(async () => {
      const { exitAfter } = await import('#infrastructure/lifecycle/shutdown')
      const { default: lifecycleConfig } = await import('#config/lifecycle')
      // A pass in progress finishes (each publish is bounded by its own timeout); this is the backstop.
      exitAfter(
        lifecycleConfig.workerGraceMs + lifecycleConfig.closeMarginMs,
        1,
        'relay shutdown did not finish'
      )
      await relay.stop()
    })
    relay.start({ immediately: true })
  }
}
