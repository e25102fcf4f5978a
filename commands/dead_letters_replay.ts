import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { runDeadLetterAction } from '#actions/dead_letters/run_from_command'

export default class DeadLettersReplay extends BaseCommand {
  static commandName = 'dead-letters:replay'
  static description =
    'Send dead letters back to their queue: by id, or --all open ones matching the filters'
  static options: CommandOptions = { startApp: true }

  @args.spread({ description: 'Dead letter ids', required: false })
  declare ids?: string[]

  @flags.boolean({ description: 'Every open dead letter matching the filters' })
  declare all: boolean

  @flags.string({ description: 'Filter: payout id' })
  declare payout?: string

  @flags.string({ description: 'Filter: error code' })
  declare errorCode?: string

  async run() {
    await runDeadLetterAction(this, 'replay')
  }
}
