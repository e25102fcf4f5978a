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

  async run() {
    await runDeadLetterAction(this, this.action)
  }
}

type DeadLetterCommand = DeadLetterActionCommand

/* Shared body of dead-letters:replay and dead-letters:discard. */
export async function runDeadLetterAction(
  command: DeadLetterCommand,
  action: 'replay' | 'discard'
) {
  const ids = command.ids ?? []
  if (ids.length === 0 && !command.all) {
    command.logger.error('Give dead letter ids, or --all (with optional filters)')
    command.exitCode = 1
    return
  }
  const { BusinessRefusal } = await import('#exceptions/business_refusal')
  const { ResolveDeadLetter } = await import('#actions/dead_letters/resolve_dead_letter')
  const { ResolveDeadLetters } = await import('#actions/dead_letters/resolve_dead_letters')
  const actor = `cli:${process.env.USER ?? 'operator'}`

  let done = 0
  let refused = 0
  if (command.all) {
    const bulk = await command.app.container.make(ResolveDeadLetters)
    const result = await bulk.handle(
      action,
      { payoutId: command.payout, errorCode: command.errorCode },
      actor
    )
    done = result.done.length
    for (const item of result.refused) command.logger.error(`${item.id}: ${item.message}`)
    refused = result.refused.length
  } else {
    const single = await command.app.container.make(ResolveDeadLetter)
    for (const id of ids) {
      try {
        if (!isUuid(id)) throw new Error('not a dead letter id')
        await single[action](id.toLowerCase(), actor)
        done++
      } catch (error) {
        if (
          !(error instanceof BusinessRefusal) &&
          !(error instanceof Error && error.message === 'not a dead letter id')
        ) {
          throw error
        }
        command.logger.error(`${id}: ${(error as Error).message}`)
        refused++
      }
    }
  }
  const verb = action === 'replay' ? 'replayed' : 'discarded'
  command.logger.success(`${done} dead letter(s) ${verb}${refused ? `, ${refused} refused` : ''}`)
  if (refused > 0) command.exitCode = 1
}
