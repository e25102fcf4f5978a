import type { PayoutStatus } from '#domain/payout_state'

/*
 * The shapes that the stores return and the transformers render. Lucid models
 * fit them too (their DateTime columns are Instants), so pages that load
 * models and hot paths that read plain rows share one transformer.
 */

/* A point in time: a JavaScript Date (plain rows) or a luxon DateTime (models). */
export type Instant = Date | { toJSDate(): Date }

export interface PayoutRecord {
  id: string
  accountId: string
  amount: bigint
  fee: bigint
  currency: string
  status: PayoutStatus
  recipientDetails: string
  comment: string | null
  attempts: number
  failureCode: string | null
  failureMessage: string | null
  providerReference: string | null
  createdAt: Instant
  updatedAt: Instant
  completedAt: Instant | null
  /* Set while the provider has accepted the payout as pending and we wait for its result. */
  awaitingProviderSince: Instant | null
  /*
   * When the payout should move next and the message scheduled to move it (a
   * retry hop, a status check, a sweeper's re-dispatch); null while nothing is
   * scheduled. Optional: only the payout store's rows carry them.
   */
  nextAttemptAt?: Instant | null
  nextMessageId?: string | null
}

/* What the API shows of a payout (payoutJson): the record without the worker's bookkeeping. */
export type PayoutView = Omit<
  PayoutRecord,
  'awaitingProviderSince' | 'nextAttemptAt' | 'nextMessageId'
>

export type LedgerEntryType = 'deposit' | 'payout_hold' | 'payout_release' | 'order_payment'

export interface LedgerEntryRecord {
  id: string
  accountId: string
  type: LedgerEntryType
  /* Signed change to the balance, in minor units. */
  amount: bigint
  fee: bigint
  balanceAfter: bigint
  reference: string | null
  payoutId: string | null
  orderId: string | null
  createdAt: Instant
}

/* What is held on the account while a payout is open: amount + fee. */
export function heldBy(payout: Pick<PayoutRecord, 'amount' | 'fee'>) {
  return payout.amount + payout.fee
}

export interface AccountRecord {
  id: string
  externalRef: string
  currency: string
  balance: bigint
  createdAt: Instant
  updatedAt: Instant
}
