import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { DatabaseProbe } from '#infrastructure/health/database_probe'
import { newBroker } from '#tests/support/broker'

test.group('GET /health/live', () => {
  test('answers 200 while the process is up', async ({ client }) => {
    const response = await client.get('/health/live')

    response.assertStatus(200)
    response.assertBody({ status: 'ok' })
  })
})

test.group('GET /health/ready', (group) => {
  group.each.teardown(() => {
    app.container.restoreAll([BrokerConnection, DatabaseProbe])
  })

  test('answers 200 when PostgreSQL and RabbitMQ are reachable', async ({ client }) => {
    const response = await client.get('/health/ready')

    response.assertStatus(200)
    response.assertBody({
      status: 'ok',
      checks: { database: { status: 'ok' }, rabbitmq: { status: 'ok' } },
    })
  })

  test('answers 503 naming RabbitMQ when the broker is unreachable', async ({
    client,
    assert,
    cleanup,
  }) => {
    const unreachable = newBroker({ url: 'amqp://guest:guest@127.0.0.1:1' })
    cleanup(() => unreachable.close())
    app.container.swap(BrokerConnection, () => unreachable)

    const response = await client.get('/health/ready')

    response.assertStatus(503)
    assert.equal(response.body().status, 'error')
    assert.deepEqual(response.body().checks.database, { status: 'ok' })
    // The failing dependency is named; its error text (hosts, ports) stays in the log.
    assert.deepEqual(response.body().checks.rabbitmq, { status: 'error' })
  })

  test('answers 503 naming PostgreSQL when the database is unreachable', async ({
    client,
    assert,
    cleanup,
  }) => {
    db.manager.add('health_unreachable', {
      client: 'pg',
      connection: { host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres' },
    })
    cleanup(() => db.manager.close('health_unreachable', true))
    app.container.swap(DatabaseProbe, () => new DatabaseProbe('health_unreachable'))

    const response = await client.get('/health/ready')

    response.assertStatus(503)
    assert.equal(response.body().status, 'error')
    assert.deepEqual(response.body().checks.database, { status: 'error' })
    assert.deepEqual(response.body().checks.rabbitmq, { status: 'ok' })
  })
})
