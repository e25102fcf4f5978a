import type { Transaction } from '#infrastructure/database/direct'
import { editNewPayout, findPayout, recordPayoutEvent } from '#infrastructure/payouts/payout_store'
import { InvalidStateException, PayoutNotFoundException } from '#exceptions/payout_exceptions'

export interface UpdatePayoutInput {
  payoutId: string
  comment?: string | null
  recipientDetails?: string
  actor: string
}

/* Edits comment and recipient details while the payout is still NEW (guarded in SQL). */
export class UpdatePayout {
  async handle(trx: Transaction, input: UpdatePayoutInput) {
    const payout = await editNewPayout(trx, input.payoutId, input)
    if (!payout) {
      const current = await findPayout(trx, input.payoutId)
      if (!current) throw new PayoutNotFoundException()
      throw new InvalidStateException(`A ${current.status} payout can no longer be edited`)
    }
    const changed = [
      ...(input.comment !== undefined ? ['comment'] : []),
      ...(input.recipientDetails !== undefined ? ['recipient_details'] : []),
    ]
    await recordPayoutEvent(trx, {
      payoutId: payout.id,
      type: 'updated',
      actor: input.actor,
      details: { changed },
    })
    return payout
  }
}
