/*
 * Names of the RabbitMQ exchanges and routing keys (part of the contract).
 * Event payload amounts are decimal strings, like in the HTTP API.
 */
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'

export const EXCHANGES = TOPOLOGY.exchanges

export const EVENTS = {
  payoutCreated: 'payout.created',
  payoutProcessing: 'payout.processing',
  payoutCompleted: 'payout.completed',
  payoutFailed: 'payout.failed',
  payoutCanceled: 'payout.canceled',
  accountCredited: 'account.credited',
  accountDebited: 'account.debited',
  orderPaid: 'order.paid',
  orderPaymentFailed: 'order.payment_failed',
} as const

export const COMMANDS = TOPOLOGY.routingKeys
