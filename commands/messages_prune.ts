import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class MessagesPrune extends BaseCommand {
  static commandName = 'messages:prune'
  static description =
    'Delete published outbox rows and inbox marks older than the retention (never unpublished rows)'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Retention in days', default: 30 })
  declare days: number

  async run() {
    const { PruneMessageLogs } = await import('#actions/maintenance/prune_message_logs')
    if (!Number.isInteger(this.days) || this.days < 1) {
      this.logger.error('--days must be a whole number of days, at least 1')
      this.exitCode = 1
      return
    }
    const { outbox, inbox } = await new PruneMessageLogs().handle(this.days)
    this.logger.success(`Deleted ${outbox} published outbox row(s) and ${inbox} inbox mark(s)`)
  }
}
