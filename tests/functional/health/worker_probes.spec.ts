import { test } from '@japa/runner'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DatabaseProbe } from '#infrastructure/health/database_probe'
import { startMetricsServer } from '#infrastructure/metrics/metrics_server'
import { workerProbeRoutes } from '#infrastructure/lifecycle/worker_probes'

test.group("Worker probes (the worker's metrics port)", (group) => {
  let server: Server
  let base: string
  const state = { consuming: true, stopping: false, database: 'app' }

  group.setup(async () => {
    const probes = workerProbeRoutes({
      consuming: () => state.consuming,
      stopping: () => state.stopping,
      // A connection name that does not exist stands for an unreachable database.
      database: {
        ping: (timeoutMs: number) =>
          new DatabaseProbe(state.database === 'app' ? undefined : state.database).ping(timeoutMs),
      } as DatabaseProbe,
      timeoutMs: 1000,
    })
    server = await startMetricsServer(0, '127.0.0.1', probes)
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return () => new Promise<void>((resolve) => server.close(() => resolve()))
  })
  group.each.setup(() => {
    Object.assign(state, { consuming: true, stopping: false, database: 'app' })
  })

  async function get(path: string) {
    const response = await fetch(`${base}${path}`)
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  }

  test('ready while the consumers are attached and PostgreSQL answers; /metrics still served', async ({
    assert,
  }) => {
    assert.deepEqual(await get('/health/live'), { status: 200, body: { status: 'ok' } })
    assert.deepEqual(await get('/health/ready'), {
      status: 200,
      body: { status: 'ok', checks: { consumer: { status: 'ok' }, database: { status: 'ok' } } },
    })
    const metrics = await fetch(`${base}/metrics`)
    assert.equal(metrics.status, 200)
  })

  test('503 naming the cause: consumers detached, draining, database unreachable', async ({
    assert,
  }) => {
    state.consuming = false
    let ready = await get('/health/ready')
    assert.equal(ready.status, 503)
    assert.equal(ready.body.checks.consumer.message, 'consumers not attached to RabbitMQ')

    Object.assign(state, { consuming: true, stopping: true })
    ready = await get('/health/ready')
    assert.equal(ready.status, 503)
    assert.equal(ready.body.checks.consumer.message, 'stopping')

    Object.assign(state, { stopping: false, database: 'nowhere' })
    ready = await get('/health/ready')
    assert.equal(ready.status, 503)
    assert.equal(ready.body.checks.database.status, 'error')
    // Liveness asks nothing of the dependencies.
    assert.equal((await get('/health/live')).status, 200)
  })
})
