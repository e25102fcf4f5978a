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
    const { direct } = await import('#infrastructure/database/direct')
    const { ResolveDeadLetter } = await import('#actions/dead_letters/resolve_dead_letter')
    const { ResolveDeadLetters } = await import('#actions/dead_letters/resolve_dead_letters')
    const { audited } = await import('#infrastructure/audit/audit_log')
    const { cliOrigin } = await import('#infrastructure/audit/audit_origin')
    const { deadLetterResolved } = await import('#infrastructure/audit/audit_facts')
    const actor = `cli:${process.env.USER ?? 'operator'}`

    let done = 0
    let refused = 0
    if (this.all) {
      const bulk = await this.app.container.make(ResolveDeadLetters)
      const result = await bulk.handle(
        action,
        { payoutId: this.payout, errorCode: this.errorCode },
        cliOrigin(actor)
      )
      done = result.done.length
      for (const item of result.refused) this.logger.error(`${item.id}: ${item.message}`)
      refused = result.refused.length
    } else {
      const single = await this.app.container.make(ResolveDeadLetter)
      for (const id of ids) {
        try {
          if (!isUuid(id)) throw new Error('not a dead letter id')
          await direct.transaction((trx) =>
            audited(trx, cliOrigin(actor), deadLetterResolved(action), () =>
              single[action](trx, id.toLowerCase(), actor)
            )
          )
          done++
        } catch (error) {
          if (
            !(error instanceof BusinessRefusal) &&
            !(error instanceof Error && error.message === 'not a dead letter id')
          ) {
            throw error
          }
          this.logger.error(`${id}: ${(error as Error).message}`)
          refused++
        }
      }
    }
    const verb = action === 'replay' ? 'replayed' : 'discarded'
    this.logger.success(`${done} dead letter(s) ${verb}${refused ? `, ${refused} refused` : ''}`)
    if (refused > 0) this.exitCode = 1
  }
}
