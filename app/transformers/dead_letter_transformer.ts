import type DeadLetter from '#models/dead_letter'
import { isoUtc } from '#transformers/json'

export function deadLetterJson(letter: DeadLetter) {
  return {
    id: letter.id,
    queue: letter.queue,
    payout_id: letter.payoutId,
    account_id: letter.accountId,
    reason: letter.reason,
    error_code: letter.errorCode,
    attempts: letter.attempts,
    last_error: letter.lastError,
    errors: letter.errors,
    payload: letter.payload,
    status: letter.status,
    resolved_by: letter.resolvedBy,
    resolved_at: isoUtc(letter.resolvedAt),
    created_at: isoUtc(letter.createdAt),
    updated_at: isoUtc(letter.updatedAt),
  }
}
