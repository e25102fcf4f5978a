import { ConsumptionCommand } from '#commands/support/_consumption_command'

export default class PayoutsPause extends ConsumptionCommand {
  static commandName = 'payouts:pause'
  static description =
    'Pause payout processing: every worker cancels its payouts.process consumer once its in-flight messages finish; survives restarts'
  protected paused = true
}
