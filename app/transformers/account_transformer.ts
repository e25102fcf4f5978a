import type { AccountRecord, LedgerEntryRecord } from '#domain/records'
import { formatAmount } from '#domain/money'
import { isoUtc } from '#transformers/json'

export function accountJson(account: AccountRecord) {
  return {
    id: account.id,
    external_ref: account.externalRef,
    currency: account.currency,
    balance: formatAmount(account.balance, account.currency),
    created_at: isoUtc(account.createdAt),
    updated_at: isoUtc(account.updatedAt),
  }
}

export function transactionJson(entry: LedgerEntryRecord, currency: string) {
  return {
    id: entry.id,
    account_id: entry.accountId,
    type: entry.type,
    amount: formatAmount(entry.amount, currency),
    fee: formatAmount(entry.fee, currency),
    balance_after: formatAmount(entry.balanceAfter, currency),
    reference: entry.reference,
    payout_id: entry.payoutId,
    order_id: entry.orderId,
    created_at: isoUtc(entry.createdAt),
  }
}

/* `account.credited`: a deposit as its event tells it (balance_after: see postEntryWithEvent). */
export function accountCreditedJson(
  deposit: { accountId: string; transactionId: string; amount: bigint; fee: bigint },
  currency: string,
  reference: string | null
) {
  return {
    account_id: deposit.accountId,
    transaction_id: deposit.transactionId,
    amount: formatAmount(deposit.amount, currency),
    fee: formatAmount(deposit.fee, currency),
    credited: formatAmount(deposit.amount - deposit.fee, currency),
    currency,
    reference,
  }
}
