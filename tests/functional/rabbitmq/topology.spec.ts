import { test } from '@japa/runner'
import type { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { declareTopology, RETRY_LEVELS, TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { newBroker, rabbitmqctl, testVhost } from '#tests/support/broker'

interface QueueRow {
  name: string
  type: string
  durable: boolean
  arguments: unknown
}

test.group('RabbitMQ topology', (group) => {
  let broker: BrokerConnection

  group.each.setup(() => {
    broker = newBroker()
    return () => broker.close()
  })

  test('declaring it twice is harmless', async ({ assert }) => {
    const channel = await broker.openChannel()
    await declareTopology(channel)
    await declareTopology(channel)

    for (const exchange of Object.values(TOPOLOGY.exchanges)) {
      await channel.checkExchange(exchange)
    }
    const queues = [...Object.values(TOPOLOGY.queues), ...TOPOLOGY.retryQueues]
    for (const queue of queues) {
      const reply = await channel.checkQueue(queue)
      assert.equal(reply.queue, queue)
    }
    assert.lengthOf(TOPOLOGY.retryQueues, RETRY_LEVELS)
  })

  test('work, dead-letter and delay queues are quorum queues; delay queues dead-letter at least once', async ({
    assert,
  }) => {
    const channel = await broker.openChannel()
    await declareTopology(channel)

    const rows = JSON.parse(
      await rabbitmqctl(
        'list_queues',
        '-p',
        testVhost(),
        'name',
        'type',
        'durable',
        'arguments',
        '--formatter',
        'json'
      )
    ) as QueueRow[]
    const byName = new Map(rows.map((row) => [row.name, row]))
    const argumentsOf = (name: string) => JSON.stringify(byName.get(name)?.arguments)

    for (const name of Object.values(TOPOLOGY.queues)) {
      assert.equal(byName.get(name)?.type, 'quorum', name)
      assert.isTrue(byName.get(name)?.durable, name)
    }
    for (const name of [TOPOLOGY.queues.process, TOPOLOGY.queues.payOrder]) {
      assert.include(argumentsOf(name), '"x-dead-letter-routing-key"', name)
      assert.include(argumentsOf(name), `"${TOPOLOGY.queues.dead}"`, name)
    }
    for (const name of TOPOLOGY.retryQueues) {
      assert.equal(byName.get(name)?.type, 'quorum', name)
      assert.isTrue(byName.get(name)?.durable, name)
      assert.include(argumentsOf(name), `"${TOPOLOGY.queues.process}"`, name)
      assert.include(argumentsOf(name), '"at-least-once"', name)
      assert.include(argumentsOf(name), '"reject-publish"', name)
      assert.notInclude(argumentsOf(name), 'x-message-ttl', name)
    }
  })

  test('commands are routed by key to their work queues', async ({ assert }) => {
    const channel = await broker.openChannel()
    await declareTopology(channel)

    const rows = JSON.parse(
      await rabbitmqctl(
        'list_bindings',
        '-p',
        testVhost(),
        'source_name',
        'destination_name',
        'routing_key',
        '--formatter',
        'json'
      )
    ) as { source_name: string; destination_name: string; routing_key: string }[]
    const bindings = rows
      .filter((row) => row.source_name === TOPOLOGY.exchanges.commands)
      .map((row) => `${row.routing_key} -> ${row.destination_name}`)

    assert.includeMembers(bindings, [
      `${TOPOLOGY.routingKeys.processPayout} -> ${TOPOLOGY.queues.process}`,
      `${TOPOLOGY.routingKeys.payOrder} -> ${TOPOLOGY.queues.payOrder}`,
    ])
  })
})
