import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import Payout from '#models/payout'
import { ONE_PAYOUT_IN_STATUS, PayoutTransitions } from '#infrastructure/payouts/payout_transitions'
import { bindings } from '#infrastructure/database/bindings'
import { InvalidStateException, PayoutNotFoundException } from '#exceptions/payout_exceptions'
import type { TransactionHooks } from '#actions/transaction_hooks'

export interface UpdatePayoutInput {
  comment?: string | null
  recipientDetails?: string
  actor: string
}

/* Edits comment and recipient details while the payout is still NEW (guarded in SQL). */
@inject()
export class UpdatePayout {
  constructor(private transitions: PayoutTransitions) {}

  async handle(payoutId: string, input: UpdatePayoutInput, hooks: TransactionHooks<Payout> = {}) {
    return db.transaction(async (trx) => {
      const sets: string[] = [`updated_at = date_trunc('milliseconds', clock_timestamp())`]
      const values: (string | null)[] = []
      const changed: Record<string, string | null> = {}
      if (input.comment !== undefined) {
        sets.push('comment = ?')
        values.push(input.comment)
        changed.comment = input.comment
      }
      if (input.recipientDetails !== undefined) {
        sets.push('recipient_details = ?')
        values.push(input.recipientDetails)
        changed.recipient_details = input.recipientDetails
      }
      const result = await trx.rawQuery(
        `UPDATE payouts SET ${sets.join(', ')} WHERE ${ONE_PAYOUT_IN_STATUS} RETURNING *`,
        bindings([...values, payoutId, 'NEW'])
      )
      if (!result.rows[0]) {
        const exists = await Payout.query({ client: trx }).where('id', payoutId).first()
        if (!exists) throw new PayoutNotFoundException()
        throw new InvalidStateException(`A ${exists.status} payout can no longer be edited`)
      }
      const payout = Payout.$createFromAdapterResult(result.rows[0], {}, { client: trx }) as Payout
      await this.transitions.record(trx, payout, 'updated', input.actor, {
        changed: Object.keys(changed),
      })
      await hooks.beforeCommit?.(trx, payout)
      return payout
    })
  }
}
