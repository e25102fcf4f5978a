import type { Transaction } from '#infrastructure/database/direct'
import { findContradiction, insertReview } from '#infrastructure/payouts/contradiction_reviews'
import { recordPayoutEvent } from '#infrastructure/payouts/payout_store'
import { NotFoundException } from '#exceptions/business_refusal'
import { InvalidStateException } from '#exceptions/payout_exceptions'

export interface ReconcileContradictionInput {
  /* The payout_events id of the provider_contradiction. */
  eventId: string
  note: string
  actor: string
}

/*
 * An operator marks a provider contradiction reconciled, with a note saying
 * what was checked and done. Money does not move here: correcting the ledger,
 * if needed, is a deposit or a new payout of its own. The note goes on the
 * payout's timeline; a contradiction is reconciled once (409 after that).
 */
export class ReconcileContradiction {
  async handle(trx: Transaction, input: ReconcileContradictionInput) {
    const written = await insertReview(trx, input)
    if (!written) {
      const found = await findContradiction(trx, input.eventId)
      if (!found) throw new NotFoundException('No such provider contradiction')
      throw new InvalidStateException('This contradiction is already reconciled')
    }
    await recordPayoutEvent(trx, {
      payoutId: written.payoutId,
      type: 'contradiction_reconciled',
      actor: input.actor,
      details: { contradiction_event_id: input.eventId, note: input.note },
    })
    return { eventId: input.eventId, payoutId: written.payoutId, note: input.note }
  }
}
