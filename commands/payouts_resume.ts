import { ConsumptionCommand } from '#commands/support/_consumption_command'

export default class PayoutsResume extends ConsumptionCommand {
  static commandName = 'payouts:resume'
  static description = 'Resume payout processing paused with payouts:pause or from the workers page'
  protected paused = false
}
