/*
 * Support for dead-letters:replay and dead-letters:discard, not a command itself: ace
 * loads every file under commands/ as a command except those whose name starts with "_".
 */
import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { isUuid } from '#domain/ids'

/* dead-letters:replay and dead-letters:discard: the same arguments, another action. */
export abstract class DeadLetterActionCommand extends BaseCommand {
  static options: CommandOptions = { startApp: true }

  protected abstract action: 'replay' | 'discard'

  @args.spread({ description: 'Dead letter ids', required: false })
  declare ids?: string[]

  @flags.boolean({ description: 'Every open dead letter matching the filters' })
  declare all: boolean

  @flags.string({ description: 'Filter: payout id' })
  declare payout?: string

  @flags.string({ description: 'Filter: error code' })
  declare errorCode?: string

  /* Shared body of dead-letters:replay and dead-letters:discard. */
  async run() {
    const action = this.action
    const ids = this.ids ?? []
    if (ids.length === 0 && !this.all) {
      this.logger.error('Give dead letter ids, or --all (with optional filters)')
      this.exitCode = 1
      return
    }
    const { BusinessRefusal } = await import('#exceptions/business_refusal')
    const { ResolveDeadLetters } = await import('#actions/dead_letters/resolve_dead_letters')
    const { cliOrigin } = await import('#infrastructure/audit/audit_origin')
    const origin = cliOrigin()
    const resolver = await this.app.container.make(ResolveDeadLetters)

    let done = 0
    let refused = 0
    if (this.all) {
      const result = await resolver.handle(
        action,
        { payoutId: this.payout, errorCode: this.errorCode },
        origin
      )
      done = result.done.length
      for (const item of result.refused) this.logger.error(`${item.id}: ${item.message}`)
      refused = result.refused.length
    } else {
      for (const id of ids) {
        if (!isUuid(id)) {
          this.logger.error(`${id}: not a dead letter id`)
          refused++
          continue
        }
        try {
          await resolver.one(action, id.toLowerCase(), origin)
          done++
        } catch (error) {
          if (!(error instanceof BusinessRefusal)) throw error
          this.logger.error(`${id}: ${error.message}`)
          refused++
        }
      }
    }
    const verb = action === 'replay' ? 'replayed' : 'discarded'
    this.logger.success(`${done} dead letter(s) ${verb}${refused ? `, ${refused} refused` : ''}`)
    if (refused > 0) this.exitCode = 1
  }
}
