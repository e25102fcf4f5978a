import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { Channel } from 'amqplib'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import type { PayoutWorker } from '#consumers/payout_worker'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { truncate } from '#tests/helpers'
import { AccountFactory } from '#database/factories/account_factory'
import { startWorker } from '#tests/support/processing'
import { eventually } from '#tests/support/eventually'

interface Answer {
  routingKey: string
  body: Record<string, unknown>
}

test.group('Worker: pay.order', (group) => {
  let worker: PayoutWorker
  let channel: Channel
  let answers: Answer[]
  let queue: string

  group.each.setup(async () => {
    await truncate('inbox_messages', 'transactions', 'accounts', 'outbox_messages')
    const broker = await app.container.make(BrokerConnection)
    channel = await broker.openChannel('test answers')
    answers = []
    // A private queue that sees every order answer, like another service would.
    const declared = await channel.assertQueue('', { exclusive: true, autoDelete: true })
    queue = declared.queue
    for (const key of ['order.paid', 'order.payment_failed', 'account.debited']) {
      await channel.bindQueue(queue, TOPOLOGY.exchanges.events, key)
    }
    await channel.consume(
      queue,
      (message) => {
        if (!message) return
        answers.push({
          routingKey: message.fields.routingKey,
          body: JSON.parse(message.content.toString()),
        })
      },
      { noAck: true }
    )
    worker = await startWorker()
    return async () => {
      await worker.stop()
      await channel.close().catch(() => {})
    }
  })

  async function payOrder(body: Record<string, unknown>, messageId = randomUUID()) {
    const broker = await app.container.make(BrokerConnection)
    await broker.publish(TOPOLOGY.exchanges.commands, TOPOLOGY.routingKeys.payOrder, body, {
      messageId,
    })
    return messageId
  }

  const answersFor = (orderId: string) =>
    answers.filter((a) => a.body.order_id === orderId && a.routingKey.startsWith('order.'))

  test('one debit per order across duplicate messages and duplicate orders', async ({ assert }) => {
    const { id: accountId } = await AccountFactory.merge({ balance: 10_000n }).create()
    const orderId = `order-${randomUUID()}`
    const body = { order_id: orderId, account_id: accountId, amount: '12.34', currency: 'EUR' }
    const messageId = await payOrder(body)
    await payOrder(body, messageId) // the same message again
    await payOrder(body) // the same order in another message
    await payOrder(body) // and again

    await eventually(async () => answersFor(orderId).length >= 3, 15_000, 'three answers')
    await new Promise((resolve) => setTimeout(resolve, 300))
    const paid = answersFor(orderId)
    assert.isTrue(paid.every((a) => a.routingKey === 'order.paid'))
    assert.lengthOf(new Set(paid.map((a) => a.body.transaction_id)), 1)
    assert.containsSubset(paid[0].body, {
      order_id: orderId,
      account_id: accountId,
      amount: '12.34',
      currency: 'EUR',
    })
    const debits = await db.rawQuery(
      `SELECT amount::text, fee::text FROM transactions WHERE order_id = ? AND type = 'order_payment'`,
      [orderId]
    )
    assert.deepEqual(debits.rows, [{ amount: '-1234', fee: '0' }])
    const balance = await db.rawQuery('SELECT balance::text AS b FROM accounts WHERE id = ?', [
      accountId,
    ])
    assert.equal(balance.rows[0].b, String(10_000 - 1234))
    assert.lengthOf(
      answers.filter((a) => a.routingKey === 'account.debited' && a.body.order_id === orderId),
      1
    )
    assert.deepEqual(await new CheckLedger().handle(), [])
  }).timeout(30_000)

  test('each failure reason is answered with order.payment_failed', async ({ assert }) => {
    const { id: eur } = await AccountFactory.merge({ balance: 1000n }).create()
    const cases: [Record<string, unknown>, string][] = [
      [{ account_id: eur, amount: '10.01', currency: 'EUR' }, 'insufficient_funds'],
      [{ account_id: randomUUID(), amount: '1.00', currency: 'EUR' }, 'account_not_found'],
      [{ account_id: 'not-an-id', amount: '1.00', currency: 'EUR' }, 'account_not_found'],
      [{ account_id: eur, amount: '1.00', currency: 'USD' }, 'currency_mismatch'],
      [{ account_id: eur, amount: '-1.00', currency: 'EUR' }, 'invalid_amount'],
      [{ account_id: eur, amount: '1.001', currency: 'EUR' }, 'invalid_amount'],
      [{ account_id: eur, amount: 'ten', currency: 'EUR' }, 'invalid_amount'],
    ]
    const orders: [string, string][] = []
    for (const [fields, reason] of cases) {
      const orderId = `order-${randomUUID()}`
      orders.push([orderId, reason])
      await payOrder({ order_id: orderId, ...fields })
    }
    await eventually(
      async () => orders.every(([orderId]) => answersFor(orderId).length === 1),
      15_000,
      'all answers'
    )
    for (const [orderId, reason] of orders) {
      const [answer] = answersFor(orderId)
      assert.equal(answer.routingKey, 'order.payment_failed', orderId)
      assert.equal(answer.body.reason, reason, orderId)
    }
    const balance = await db.rawQuery('SELECT balance::text AS b FROM accounts WHERE id = ?', [eur])
    assert.equal(balance.rows[0].b, '1000')
  }).timeout(30_000)
})
