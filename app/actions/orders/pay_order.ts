import { inject } from '@adonisjs/core'
import type { LedgerEntryRecord } from '#domain/records'
import { direct, type Transaction } from '#infrastructure/database/direct'
import { formatAmount, isCurrency, parseAmount } from '#domain/money'
import { EVENTS, EXCHANGES } from '#domain/messages'
import { Inbox } from '#infrastructure/inbox/inbox'
import { Outbox } from '#infrastructure/outbox/outbox'
import { findAccount, findOrderPayment, postEntry } from '#infrastructure/ledger/ledger'
import payoutsConfig from '#config/payouts'
import { isUuid } from '#domain/ids'

export const PAY_ORDER_CONSUMER = 'payments.pay-order'

export type PaymentFailure =
  'insufficient_funds' | 'account_not_found' | 'currency_mismatch' | 'invalid_amount'

export interface PayOrderMessage {
  messageId: string
  body: Record<string, unknown>
  traceparent?: string
}

export type PayOrderOutcome = 'paid' | 'failed' | 'duplicate' | 'invalid'

/*
 * The `pay.order` command: debit the account once per order_id and answer
 * with `order.paid` or `order.payment_failed`, through the outbox, in the
 * same transaction as the debit and the inbox mark. A repeated order (same
 * order_id, any message id) answers `order.paid` again with the original
 * transaction and debits nothing.
 */
@inject()
export class PayOrder {
  constructor(
    private outbox: Outbox,
    private inbox: Inbox
  ) {}

  async handle(message: PayOrderMessage): Promise<PayOrderOutcome> {
    const { order_id: orderId, account_id: accountId, amount, currency } = message.body
    // Without an order id there is nobody to answer: the caller dead-letters it.
    if (typeof orderId !== 'string' || orderId.length === 0 || orderId.length > 255) {
      return 'invalid'
    }
    if (await this.inbox.seen(PAY_ORDER_CONSUMER, message.messageId)) return 'duplicate'

    return direct.transaction(async (trx) => {
      if (!(await this.inbox.mark(trx, PAY_ORDER_CONSUMER, message.messageId))) return 'duplicate'
      const answer = (routingKey: string, payload: Record<string, unknown>) =>
        this.outbox.stage(trx, [
          {
            exchange: EXCHANGES.events,
            routingKey,
            payload,
            headers: message.traceparent ? { traceparent: message.traceparent } : {},
          },
        ])
      const fail = async (reason: PaymentFailure) => {
        await answer(EVENTS.orderPaymentFailed, {
          order_id: orderId,
          account_id: typeof accountId === 'string' ? accountId : null,
          reason,
        })
        return 'failed' as const
      }

      const previous = await findOrderPayment(trx, orderId)
      if (previous) return this.paid(trx, answer, previous)

      if (!isUuid(accountId)) return fail('account_not_found')
      const account = await findAccount(trx, accountId)
      if (!account) return fail('account_not_found')
      if (typeof currency !== 'string' || !isCurrency(currency) || currency !== account.currency) {
        return fail('currency_mismatch')
      }
      const text = typeof amount === 'number' ? String(amount) : amount
      const parsed = typeof text === 'string' ? parseAmount(text, currency) : null
      if (!parsed?.ok || parsed.minor > payoutsConfig.maxAmountMinor) return fail('invalid_amount')

      // A concurrent duplicate order waits on the unique order_id index and then fails here.
      const entry = await postEntry(trx, {
        accountId: account.id,
        type: 'order_payment',
        amount: -parsed.minor,
        fee: 0n,
        orderId,
        actor: 'bus:pay.order',
      }).catch((error) => {
        if ((error as { code?: string }).code === '23505') return 'duplicate' as const
        throw error
      })
      if (entry === 'duplicate') throw new DuplicateOrderRace()
      if (!entry) return fail('insufficient_funds')

      await answer(EVENTS.accountDebited, {
        account_id: account.id,
        transaction_id: entry.id,
        amount: formatAmount(parsed.minor, currency),
        currency,
        balance_after: formatAmount(entry.balanceAfter, currency),
        order_id: orderId,
      })
      return this.paid(trx, answer, entry, account.currency)
    })
  }

  protected async paid(
    trx: Transaction,
    answer: (routingKey: string, payload: Record<string, unknown>) => Promise<unknown>,
    entry: LedgerEntryRecord,
    knownCurrency?: string
  ) {
    let currency = knownCurrency
    if (!currency) {
      currency = (await findAccount(trx, entry.accountId))!.currency
    }
    await answer(EVENTS.orderPaid, {
      order_id: entry.orderId,
      account_id: entry.accountId,
      amount: formatAmount(-entry.amount, currency),
      currency,
      transaction_id: entry.id,
    })
    return 'paid' as const
  }
}

/* Two messages for one order raced; the loser's transaction rolls back and is redelivered. */
export class DuplicateOrderRace extends Error {
  constructor() {
    super('another message paid this order concurrently; retry')
  }
}
