import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class PayoutsReconcile extends BaseCommand {
  static commandName = 'payouts:reconcile'
  static description =
    'One sweep of overdue retries and stuck payouts (as every worker runs), or the payouts named; for cron'
  static options: CommandOptions = { startApp: true }

  @args.spread({ description: 'Payout ids to reconcile now, thresholds aside', required: false })
  declare ids?: string[]

  @flags.number({ description: 'Payouts of each kind one sweep takes (default SWEEPER_BATCH)' })
  declare limit?: number

  async run() {
    const { ReconcilePayouts } = await import('#actions/payouts/reconcile_payouts')
    const { isUuid } = await import('#domain/ids')
    const reconcile = await this.app.container.make(ReconcilePayouts)
    const ids = this.ids ?? []
    const invalid = ids.filter((id) => !isUuid(id))
    if (invalid.length > 0) {
      this.logger.error(`Not a payout id: ${invalid.join(', ')}`)
      this.exitCode = 1
      return
    }

    const results =
      ids.length > 0
        ? await Promise.all(ids.map((id) => reconcile.one(id.toLowerCase())))
        : await reconcile.handle({ limit: this.limit })
    for (const result of results) {
      const answer = result.providerStatus ? ` (provider: ${result.providerStatus})` : ''
      const note = result.note ? `: ${result.note}` : ''
      this.logger.info(`${result.payoutId} ${result.reason} → ${result.action}${answer}${note}`)
    }
    const acted = results.filter((result) => result.action !== 'nothing').length
    this.logger.success(`reconciled ${acted} payout(s)`)
  }
}
