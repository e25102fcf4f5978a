import { DeadLetterActionCommand } from '#commands/support/_dead_letter_command'

export default class DeadLettersReplay extends DeadLetterActionCommand {
  static commandName = 'dead-letters:replay'
  static description =
    'Send dead letters back to their queue: by id, or --all open ones matching the filters'

  protected action = 'replay' as const
}
