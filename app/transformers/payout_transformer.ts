import type PayoutEvent from '#models/payout_event'
import type { PayoutView } from '#domain/records'
import { formatAmount } from '#domain/money'
import { isoUtc } from '#transformers/json'

export function payoutJson(payout: PayoutView) {
  return {
    id: payout.id,
    account_id: payout.accountId,
    amount: formatAmount(payout.amount, payout.currency),
    fee: formatAmount(payout.fee, payout.currency),
    currency: payout.currency,
    status: payout.status,
    recipient_details: payout.recipientDetails,
    comment: payout.comment,
    attempts: payout.attempts,
    failure_code: payout.failureCode,
    failure_message: payout.failureMessage,
    provider_reference: payout.providerReference,
    created_at: isoUtc(payout.createdAt),
    updated_at: isoUtc(payout.updatedAt),
    completed_at: isoUtc(payout.completedAt),
  }
}

export function payoutEventJson(event: PayoutEvent) {
  return {
    type: event.type,
    from_status: event.fromStatus,
    to_status: event.toStatus,
    actor: event.actor,
    details: event.details,
    created_at: isoUtc(event.createdAt),
  }
}

export function payoutWithEventsJson(payout: PayoutView, events: PayoutEvent[]) {
  return { ...payoutJson(payout), events: events.map(payoutEventJson) }
}
