import { test } from '@japa/runner'
import type { Channel, GetMessage } from 'amqplib'
import type { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { declareTopology, TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { isValidTraceparent } from '#infrastructure/tracing/traceparent'
import { newBroker, sweepTestMessages, takeMessage, testMessageId } from '#tests/support/broker'

const { exchanges, queues, routingKeys, retryQueues } = TOPOLOGY

test.group('RabbitMQ publishing', (group) => {
  let broker: BrokerConnection
  let channel: Channel

  group.each.setup(async () => {
    broker = newBroker()
    await broker.addSetup(declareTopology)
    channel = await broker.openChannel('test reader')
    return async () => {
      await sweepTestMessages(channel, queues.process)
      await sweepTestMessages(channel, retryQueues[0])
      await broker.close()
    }
  })

  test('a command reaches payouts.process with every contract property', async ({ assert }) => {
    const messageId = testMessageId()
    const before = Math.floor(Date.now() / 1000)
    await broker.publish(
      exchanges.commands,
      routingKeys.processPayout,
      { payout_id: '42', amount: 1050n },
      { messageId }
    )

    const message = await takeMessage(channel, queues.process, messageId)
    assert.exists(message, 'the message reached payouts.process')
    const { properties, content } = message!
    assert.equal(properties.deliveryMode, 2)
    assert.equal(properties.contentType, 'application/json')
    assert.equal(properties.messageId, messageId)
    assert.equal(properties.type, routingKeys.processPayout)
    assert.isAtLeast(properties.timestamp as number, before)
    assert.isAtMost(properties.timestamp as number, Math.ceil(Date.now() / 1000))
    assert.isTrue(isValidTraceparent(properties.headers?.traceparent))
    assert.deepEqual(JSON.parse(content.toString()), { payout_id: '42', amount: '1050' })
  })

  test('without a message id each message gets a unique one', async ({ assert }) => {
    const correlationId = testMessageId()
    await broker.publish(exchanges.commands, routingKeys.processPayout, {}, { correlationId })
    await broker.publish(exchanges.commands, routingKeys.processPayout, {}, { correlationId })

    const ours = (m: GetMessage) => m.properties.correlationId === correlationId
    const first = await takeMessage(channel, queues.process, ours)
    const second = await takeMessage(channel, queues.process, ours)
    assert.match(String(first?.properties.messageId), /^[\da-f-]{36}$/)
    assert.match(String(second?.properties.messageId), /^[\da-f-]{36}$/)
    assert.notEqual(first?.properties.messageId, second?.properties.messageId)
  })

  test('keeps a given traceparent and the given headers', async ({ assert }) => {
    const messageId = testMessageId()
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    await broker.publish(
      exchanges.commands,
      routingKeys.processPayout,
      {},
      { messageId, headers: { traceparent, attempt: 2 } }
    )

    const message = await takeMessage(channel, queues.process, messageId)
    assert.equal(message?.properties.headers?.traceparent, traceparent)
    assert.equal(message?.properties.headers?.attempt, 2)
  })

  test('replaces a malformed traceparent with a valid one', async ({ assert }) => {
    const messageId = testMessageId()
    await broker.publish(
      exchanges.commands,
      routingKeys.processPayout,
      {},
      { messageId, traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }
    )

    const message = await takeMessage(channel, queues.process, messageId)
    const header = message?.properties.headers?.traceparent
    assert.isTrue(isValidTraceparent(header))
    assert.notEqual(header, '00-00000000000000000000000000000000-00f067aa0ba902b7-01')
  })

  test('a delay queue hands the message back to payouts.process once it expires', async ({
    assert,
  }) => {
    const messageId = testMessageId()
    const sentAt = Date.now()
    await broker.publish(
      '',
      retryQueues[0],
      { payout_id: '7' },
      {
        messageId,
        type: routingKeys.processPayout,
        expiration: 300,
      }
    )

    const message = await takeMessage(channel, queues.process, messageId, 5000)
    assert.exists(message, 'the message came back to payouts.process')
    assert.isAtLeast(Date.now() - sentAt, 300)
    assert.equal(message!.properties.type, routingKeys.processPayout)
    assert.deepEqual(JSON.parse(message!.content.toString()), { payout_id: '7' })
    const deaths = message!.properties.headers?.['x-death'] as { queue: string; reason: string }[]
    assert.equal(deaths[0].queue, retryQueues[0])
    assert.equal(deaths[0].reason, 'expired')
  })

  test('a refused publish rejects and the next one still goes out', async ({ assert }) => {
    await assert.rejects(() =>
      broker.publish('payouts.no-such-exchange', 'x', {}, { messageId: testMessageId() })
    )

    const messageId = testMessageId()
    await broker.publish(exchanges.commands, routingKeys.processPayout, {}, { messageId })
    assert.exists(await takeMessage(channel, queues.process, messageId))
  })
})
