import { inject } from '@adonisjs/core'
import type DeadLetter from '#models/dead_letter'
import type { Transaction } from '#infrastructure/database/direct'
import { closeDeadLetter, lockDeadLetter } from '#infrastructure/dead_letters/dead_letter_store'
import { lockPayout } from '#infrastructure/payouts/payout_store'
import { COMMANDS, EXCHANGES } from '#domain/messages'
import { Outbox } from '#infrastructure/outbox/outbox'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import {
  DeadLetterClosedException,
  DeadLetterNotFoundException,
} from '#exceptions/dead_letter_exceptions'
import { InvalidStateException } from '#exceptions/payout_exceptions'

/*
 * Closes an open dead letter, in one transaction with its consequences:
 * - replay: the work goes back to its queue (through the outbox). A FAILED
 *   payout moves back to PROCESSING and its funds are held again (409
 *   E_INSUFFICIENT_FUNDS when they are short, and nothing changes).
 * - discard: closed without retry; a payout still open in it is failed and
 *   its hold released. Not one the provider has accepted (PROCESSING and
 *   awaiting the provider): the money may already be on its way, so failing
 *   it and releasing its hold could pay the amount twice. That discard is 409
 *   E_INVALID_STATE and changes nothing; a replay checks the provider's status.
 * The dead letter row is locked first, so two operators cannot both act.
 */
@inject()
export class ResolveDeadLetter {
  constructor(
    private outbox: Outbox,
    private transitions: PayoutTransitions
  ) {}

  handle(trx: Transaction, input: { id: string; actor: string; resolution: 'replay' | 'discard' }) {
    return input.resolution === 'replay'
      ? this.replay(trx, input.id, input.actor)
      : this.discard(trx, input.id, input.actor)
  }

  replay(trx: Transaction, id: string, actor: string) {
    return this.resolve(trx, id, actor, 'replayed', async (letter) => {
      const payout = await this.lockedPayout(trx, letter)
      if (payout?.status === 'FAILED') {
        await this.transitions.move(trx, payout.id, 'FAILED', 'PROCESSING', {
          actor,
          details: { dead_letter_id: letter.id, replay: true },
        })
      } else if (payout && payout.status !== 'NEW' && payout.status !== 'PROCESSING') {
        throw new InvalidStateException(`The payout is ${payout.status}; nothing to replay`)
      }
      const routingKey =
        letter.routingKey || (payout ? COMMANDS.processPayout : null) || COMMANDS.payOrder
      await this.outbox.stage(trx, [
        {
          exchange: EXCHANGES.commands,
          routingKey,
          payload: payout ? { ...letter.payload, payout_id: payout.id } : letter.payload,
          headers: { 'x-replay-of': letter.messageId },
        },
      ])
    })
  }

  discard(trx: Transaction, id: string, actor: string) {
    return this.resolve(trx, id, actor, 'discarded', async (letter) => {
      const payout = await this.lockedPayout(trx, letter)
      if (!payout) return
      if (payout.status === 'PROCESSING' && payout.awaitingProviderSince) {
        throw new InvalidStateException(
          'The provider has accepted this payout and decides its outcome; replay the dead letter to check its status'
        )
      }
      const options = {
        actor,
        failureCode: 'discarded',
        failureMessage: 'Discarded by an operator from the dead-letter queue',
        details: { dead_letter_id: letter.id },
      }
      if (payout.status === 'NEW') {
        await this.transitions.move(trx, payout.id, 'NEW', 'PROCESSING', { actor })
        await this.transitions.move(trx, payout.id, 'PROCESSING', 'FAILED', options)
      } else if (payout.status === 'PROCESSING') {
        await this.transitions.move(trx, payout.id, 'PROCESSING', 'FAILED', options)
      }
    })
  }

  protected async resolve(
    trx: Transaction,
    id: string,
    actor: string,
    status: 'replayed' | 'discarded',
    effect: (letter: DeadLetter) => Promise<void>
  ) {
    const letter = await lockDeadLetter(trx, id)
    if (!letter) throw new DeadLetterNotFoundException()
    if (letter.status !== 'open') throw new DeadLetterClosedException()
    await effect(letter)
    return closeDeadLetter(trx, id, status, actor)
  }

  protected async lockedPayout(trx: Transaction, letter: DeadLetter) {
    return letter.payoutId ? lockPayout(trx, letter.payoutId) : null
  }
}
