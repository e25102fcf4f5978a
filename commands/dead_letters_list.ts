import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class DeadLettersList extends BaseCommand {
  static commandName = 'dead-letters:list'
  static description = 'List dead letters (newest first), open ones unless --status says otherwise'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'open | replayed | discarded | all', default: 'open' })
  declare status: string

  @flags.string({ description: 'Only this payout' })
  declare payout?: string

  @flags.string({ description: 'Only this error code' })
  declare errorCode?: string

  @flags.number({ description: 'How many rows', default: 50 })
  declare limit: number

  async run() {
    const { deadLetterQuery } = await import('#queries/dead_letters/dead_letter_query')
    if (!['open', 'replayed', 'discarded', 'all'].includes(this.status)) {
      this.logger.error('--status must be open, replayed, discarded or all')
      this.exitCode = 1
      return
    }
    const rows = await deadLetterQuery({
      status: this.status === 'all' ? undefined : (this.status as 'open'),
      payoutId: this.payout,
      errorCode: this.errorCode,
    })
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(this.limit)
    if (rows.length === 0) {
      this.logger.info('no dead letters')
      return
    }
    const table = this.ui.table()
    table.head(['id', 'status', 'queue', 'payout', 'reason', 'attempts', 'last error', 'created'])
    for (const row of rows) {
      table.row([
        row.id,
        row.status,
        row.queue,
        row.payoutId ?? '-',
        row.errorCode ?? row.reason,
        String(row.attempts),
        (row.lastError ?? '').slice(0, 60),
        row.createdAt.toUTC().toISO() ?? '',
      ])
    }
    table.render()
  }
}
