import { inject } from '@adonisjs/core'
import type { Transaction } from '#infrastructure/database/direct'
import { findPayout } from '#infrastructure/payouts/payout_store'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { InvalidStateException, PayoutNotFoundException } from '#exceptions/payout_exceptions'

/*
 * NEW → CANCELED and the hold released, once: of concurrent cancels exactly
 * one moves the payout; the others find it no longer NEW and get 409.
 */
@inject()
export class CancelPayout {
  constructor(private transitions: PayoutTransitions) {}

  async handle(trx: Transaction, input: { payoutId: string; actor: string }) {
    const moved = await this.transitions.move(trx, input.payoutId, 'NEW', 'CANCELED', {
      actor: input.actor,
    })
    if (moved) return moved
    const current = await findPayout(trx, input.payoutId)
    if (!current) throw new PayoutNotFoundException()
    throw new InvalidStateException(`A ${current.status} payout cannot be canceled`)
  }
}
