import type Account from '#models/account'
import type LedgerEntry from '#models/ledger_entry'
import { formatAmount } from '#domain/money'
import { isoUtc } from '#transformers/json'

export function accountJson(account: Account) {
  return {
    id: account.id,
    external_ref: account.externalRef,
    currency: account.currency,
    balance: formatAmount(account.balance, account.currency),
    created_at: isoUtc(account.createdAt),
    updated_at: isoUtc(account.updatedAt),
  }
}

export function transactionJson(entry: LedgerEntry, currency: string) {
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
