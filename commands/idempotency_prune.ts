import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class IdempotencyPrune extends BaseCommand {
  static commandName = 'idempotency:prune'
  static description = 'Delete expired Idempotency-Key records (older than IDEMPOTENCY_TTL_HOURS)'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { IdempotencyStore } = await import('#infrastructure/idempotency/idempotency_store')
    const deleted = await new IdempotencyStore().prune()
    this.logger.success(`Deleted ${deleted} expired idempotency key(s)`)
  }
}
