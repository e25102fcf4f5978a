/*
 * Names of the RabbitMQ exchanges, routing keys and work queues (part of the
 * contract, CONTRACT.md "RabbitMQ topology"). Code names them through these
 * objects only; `#infrastructure/rabbitmq/topology` declares them on the broker.
 * Event payload amounts are decimal strings, like in the HTTP API.
 */

export const EXCHANGES = {
  commands: 'payouts.commands',
  events: 'payouts.events',
} as const

/* Routing keys of the commands exchange. */
export const COMMANDS = {
  processPayout: 'payout.process',
  payOrder: 'pay.order',
} as const

/* Routing keys of the events exchange. */
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

export const QUEUES = {
  process: 'payouts.process',
  payOrder: 'payments.pay-order',
  dead: 'payouts.dead',
} as const
