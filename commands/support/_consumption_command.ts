/*
 * Support for payouts:pause and payouts:resume, not a command itself: ace
 * loads every file under commands/ as a command except those whose name starts with "_".
 */
import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/* Pauses or resumes every worker's consumption of payouts.process (audited as `cli:<user>`). */
export abstract class ConsumptionCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }

  protected abstract paused: boolean

  async run() {
    const { direct } = await import('#infrastructure/database/direct')
    const { audited } = await import('#infrastructure/audit/audit_log')
    const { cliOrigin } = await import('#infrastructure/audit/audit_origin')
    const { consumptionSet } = await import('#infrastructure/audit/audit_facts')
    const { SetConsumption, PAUSABLE_QUEUES } = await import('#actions/workers/set_consumption')
    const origin = cliOrigin()
    const change = { queue: PAUSABLE_QUEUES[0], paused: this.paused, actor: origin.actor }
    const action = new SetConsumption()
    const done = await direct.transaction((trx) =>
      audited(trx, origin, consumptionSet, () => action.handle(trx, change))
    )
    const state = done.paused ? 'paused' : 'resumed'
    const already = done.before === done.paused ? ' (it already was)' : ''
    this.logger.success(`${done.queue} ${state}${already}: every worker follows within seconds`)
  }
}
