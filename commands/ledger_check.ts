import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class LedgerCheck extends BaseCommand {
  static commandName = 'ledger:check'
  static description =
    'Verify every account: balance = sum of its ledger, no negative balance, consistent chain, holds match payouts'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { CheckLedger } = await import('#queries/ledger/check_ledger')
    const offences = await new CheckLedger().handle()
    if (offences.length === 0) {
      this.logger.success('Ledger consistent: every balance matches its ledger')
      return
    }
    for (const offence of offences) {
      this.logger.error(`account ${offence.accountId}: ${offence.problem}`)
    }
    this.logger.error(`${offences.length} problem(s) found`)
    this.exitCode = 1
  }
}
