/*
 * Names of the RabbitMQ exchanges and routing keys (part of the contract),
 * and the builders of event payloads. Payload amounts are decimal strings,
 * like in the HTTP API.
 */
export const EXCHANGES = {
  commands: 'payouts.commands',
  events: 'payouts.events',
} as const

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

export const COMMANDS = {
  processPayout: 'payout.process',
  payOrder: 'pay.order',
} as const
