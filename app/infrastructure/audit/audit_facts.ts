import type { Transaction } from '#infrastructure/database/direct'
import type { AccountRecord, LedgerEntryRecord, PayoutRecord } from '#domain/records'
import type { AuditChanges, AuditFact, AuditSpec } from '#infrastructure/audit/audit_log'
import { lockPayout } from '#infrastructure/payouts/payout_store'

/*
 * The audit fact of each write, shared by the dashboard, the API and the
 * CLI so one action is recorded the same way whatever the way in.
 */

export const payoutCreated: AuditSpec<PayoutRecord> = {
  fact: (payout) => ({
    action: 'payout.create',
    targetType: 'payout',
    targetId: payout.id,
    changes: {
      status: { after: payout.status },
      account_id: { after: payout.accountId },
      amount: { after: payout.amount },
      fee: { after: payout.fee },
      currency: { after: payout.currency },
    },
  }),
}

export const payoutCanceled: AuditSpec<PayoutRecord> = {
  fact: (payout) => ({
    action: 'payout.cancel',
    targetType: 'payout',
    targetId: payout.id,
    changes: { status: { before: 'NEW', after: payout.status } },
  }),
}

/* The edited fields as they were, read (and locked) in the edit's transaction. */
export function payoutEdited(payoutId: string): AuditSpec<PayoutRecord, PayoutRecord | null> {
  return {
    before: (trx: Transaction) => lockPayout(trx, payoutId),
    fact: (payout, before) => {
      const changes: AuditChanges = {}
      for (const [field, key] of [
        ['comment', 'comment'],
        ['recipient_details', 'recipientDetails'],
      ] as const) {
        if (before?.[key] !== payout[key]) {
          changes[field] = { before: before?.[key], after: payout[key] }
        }
      }
      return { action: 'payout.update', targetType: 'payout', targetId: payout.id, changes }
    },
  }
}

export const depositPosted: AuditSpec<LedgerEntryRecord> = {
  fact: (entry) => ({
    action: 'account.deposit',
    targetType: 'account',
    targetId: entry.accountId,
    changes: {
      balance: { before: entry.balanceAfter - entry.amount, after: entry.balanceAfter },
      transaction_id: { after: entry.id },
      fee: { after: entry.fee },
      reference: { after: entry.reference },
    },
  }),
}

export const accountCreated: AuditSpec<AccountRecord> = {
  fact: (account) => ({
    action: 'account.create',
    targetType: 'account',
    targetId: account.id,
    changes: {
      external_ref: { after: account.externalRef },
      currency: { after: account.currency },
    },
  }),
}

/* A dead letter replayed or discarded: its status, and the payout it names. */
export function deadLetterResolved(
  verb: 'replay' | 'discard'
): AuditSpec<{ id: string; status: string; payoutId: string | null }> {
  return {
    fact: (letter) => ({
      action: `dead_letter.${verb}`,
      targetType: 'dead_letter',
      targetId: letter.id,
      changes: {
        status: { before: 'open', after: letter.status },
        ...(letter.payoutId ? { payout_id: { after: letter.payoutId } } : {}),
      },
    }),
  }
}

/* A provider contradiction marked reconciled: on the payout's trail, with the note. */
export const contradictionReconciled: AuditSpec<{
  eventId: string
  payoutId: string
  note: string
}> = {
  fact: (review) => ({
    action: 'payout.reconcile_contradiction',
    targetType: 'payout',
    targetId: review.payoutId,
    changes: {
      contradiction: { before: 'open', after: 'reconciled' },
      contradiction_event_id: { after: review.eventId },
      note: { after: review.note },
    },
  }),
}

/* An operator paused or resumed a queue's consumers. */
export const consumptionSet: AuditSpec<{ queue: string; paused: boolean; before: boolean }> = {
  fact: (change) => ({
    action: change.paused ? 'queue.pause' : 'queue.resume',
    targetType: 'queue',
    targetId: change.queue,
    changes: { paused: { before: change.before, after: change.paused } },
  }),
}

/* An operator had a payout retried or reconciled now (the sweeper's step for one payout). */
export function payoutReconcileRequested(
  action: 'payout.retry_now' | 'payout.reconcile_now',
  payout: { id: string; status: string; attempts: number; nextAttemptAt?: unknown },
  step: 'redispatch' | 'check'
): AuditFact {
  return {
    action,
    targetType: 'payout',
    targetId: payout.id,
    changes: {
      step: { after: step === 'redispatch' ? 'dispatched now' : 'provider checked now' },
      next_attempt_at: {
        before: payout.nextAttemptAt ?? null,
        after: step === 'redispatch' ? 'now' : null,
      },
      attempts: { before: payout.attempts },
    },
  }
}

/* An operator gave up a payout the provider does not have. */
export function payoutGivenUp(payout: { id: string; status: string; attempts: number }): AuditFact {
  return {
    action: 'payout.give_up',
    targetType: 'payout',
    targetId: payout.id,
    changes: {
      status: { before: 'PROCESSING', after: payout.status },
      attempts: { before: payout.attempts },
    },
  }
}
