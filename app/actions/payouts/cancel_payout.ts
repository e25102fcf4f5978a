import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import Payout from '#models/payout'
import { PayoutTransitions } from '#infrastructure/payouts/payout_transitions'
import { InvalidStateException, PayoutNotFoundException } from '#exceptions/payout_exceptions'
import type { TransactionHooks } from '#actions/transaction_hooks'

/*
 * NEW → CANCELED and the hold released, once: of concurrent cancels exactly
 * one moves the payout; the others find it no longer NEW and get 409.
 */
@inject()
export class CancelPayout {
  constructor(private transitions: PayoutTransitions) {}

  async handle(payoutId: string, actor: string, hooks: TransactionHooks<Payout> = {}) {
    return db.transaction(async (trx) => {
      const moved = await this.transitions.move(trx, payoutId, 'NEW', 'CANCELED', { actor })
      if (!moved) {
        const current = await Payout.query({ client: trx }).where('id', payoutId).first()
        if (!current) throw new PayoutNotFoundException()
        throw new InvalidStateException(`A ${current.status} payout cannot be canceled`)
      }
      await hooks.beforeCommit?.(trx, moved)
      return moved
    })
  }
}
