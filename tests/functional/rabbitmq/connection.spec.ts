import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import type { Channel, ConsumeMessage } from 'amqplib'
import type { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { declareTopology, TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import {
  forceCloseConnection,
  newBroker,
  sweepTestMessages,
  takeMessage,
  testMessageId,
} from '#tests/support/broker'
import { eventually } from '#tests/support/eventually'

const { exchanges, queues, routingKeys } = TOPOLOGY

test.group('RabbitMQ connection manager', (group) => {
  const opened: BrokerConnection[] = []
  const open = (...args: Parameters<typeof newBroker>) => {
    const broker = newBroker(...args)
    opened.push(broker)
    return broker
  }

  group.each.teardown(async () => {
    await Promise.all(opened.splice(0).map((broker) => broker.close()))
  })

  test('reconnects after the broker closes the connection, then publishes again', async ({
    assert,
  }) => {
    const broker = open()
    await broker.addSetup(declareTopology)
    await broker.connect(5000)
    const reader = open()
    const channel = await reader.openChannel('test reader')

    await forceCloseConnection(broker.connectionName)
    await eventually(() => !broker.isConnected, 5000, 'the connection to drop')
    await eventually(() => broker.isConnected, 10_000, 'the connection to come back')

    const messageId = testMessageId()
    await broker.publish(exchanges.commands, routingKeys.processPayout, {}, { messageId })
    assert.exists(await takeMessage(channel, queues.process, messageId))
    await sweepTestMessages(channel, queues.process)
  })

  test('a publish during the outage waits for the reconnection', async ({ assert }) => {
    const broker = open()
    await broker.connect(5000)
    const reader = open()
    const channel = await reader.openChannel('test reader')

    await forceCloseConnection(broker.connectionName)
    await eventually(() => !broker.isConnected, 5000, 'the connection to drop')
    const messageId = testMessageId()
    await broker.publish(exchanges.commands, routingKeys.processPayout, {}, { messageId })

    assert.exists(await takeMessage(channel, queues.process, messageId))
  })

  test('a consumer is subscribed again after the connection drops', async ({ assert }) => {
    const queue = `payouts.test.consumer-${randomUUID()}`
    const setupBroker = open()
    const setup = await setupBroker.openChannel('test setup')
    await setup.assertQueue(queue, { durable: false, arguments: { 'x-expires': 60_000 } })

    const broker = open()
    const received: string[] = []
    await broker.consume(
      queue,
      (message: ConsumeMessage, channel: Channel) => {
        received.push(message.content.toString())
        channel.ack(message)
      },
      { prefetch: 4 }
    )
    await broker.publish('', queue, 'before')
    await eventually(() => received.length === 1, 5000, 'the first message')

    await forceCloseConnection(broker.connectionName)
    await eventually(() => !broker.isConnected, 5000, 'the connection to drop')
    await eventually(() => broker.isConnected, 10_000, 'the connection to come back')
    await broker.publish('', queue, 'after')
    await eventually(() => received.length === 2, 5000, 'the second message')

    assert.deepEqual(received, ['"before"', '"after"'])
    await setup.deleteQueue(queue)
  })

  test('cancelling a consumer lets the running handler finish its ack', async ({ assert }) => {
    const queue = `payouts.test.cancel-${randomUUID()}`
    const broker = open()
    const setup = await broker.openChannel('test setup')
    await setup.assertQueue(queue, { durable: false, arguments: { 'x-expires': 60_000 } })

    let started = false
    let acked = false
    const consumer = await broker.consume(
      queue,
      async (message: ConsumeMessage, channel: Channel) => {
        started = true
        await new Promise((resolve) => setTimeout(resolve, 200))
        channel.ack(message)
        acked = true
      },
      { prefetch: 1 }
    )
    await broker.publish('', queue, {})
    await eventually(() => started, 5000, 'the consumer to start')
    await consumer.cancel()

    assert.isTrue(acked)
    const { messageCount } = await setup.checkQueue(queue)
    assert.equal(messageCount, 0)
    await setup.deleteQueue(queue)
  })

  test('an unreachable broker fails the probe and the publish, without crashing', async ({
    assert,
  }) => {
    const broker = open({ url: 'amqp://guest:guest@127.0.0.1:1', publishTimeoutMs: 500 })

    await assert.rejects(() => broker.ping(1000), /RabbitMQ unreachable/)
    await assert.rejects(
      () => broker.publish(exchanges.commands, routingKeys.processPayout, {}),
      /RabbitMQ/
    )
    assert.isFalse(broker.isConnected)
  })

  test('a closed manager stops reconnecting and refuses work', async ({ assert }) => {
    const broker = open()
    await broker.connect(5000)
    await broker.close()

    assert.isFalse(broker.isConnected)
    await assert.rejects(() => broker.publish(exchanges.commands, 'x', {}), /closed/)
    await assert.rejects(() => broker.ping(500), /closed/)
  })
})
