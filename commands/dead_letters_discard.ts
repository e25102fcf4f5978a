import { DeadLetterActionCommand } from '#commands/support/_dead_letter_command'

export default class DeadLettersDiscard extends DeadLetterActionCommand {
  static commandName = 'dead-letters:discard'
  static description =
    'Close dead letters without retry (a payout in one is failed and its hold released)'

  protected action = 'discard' as const
}
