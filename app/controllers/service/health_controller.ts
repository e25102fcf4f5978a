import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import healthConfig from '#config/health'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { DatabaseProbe } from '#infrastructure/health/database_probe'

type Check = { status: 'ok' } | { status: 'error'; message: string }

@inject()
export default class HealthController {
  constructor(
    private broker: BrokerConnection,
    private database: DatabaseProbe
  ) {}

  /* GET /health/live: the process answers; no dependency is checked. */
  async live() {
    return { status: 'ok' }
  }

  /* GET /health/ready: PostgreSQL and RabbitMQ both reachable, else 503 naming the failure. */
  async ready({ response }: HttpContext) {
    const timeoutMs = healthConfig.timeoutMs
    const [database, rabbitmq] = await Promise.all([
      check(() => this.database.ping(timeoutMs)),
      check(() => this.broker.ping(timeoutMs)),
    ])
    const ok = database.status === 'ok' && rabbitmq.status === 'ok'
    return response
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'error', checks: { database, rabbitmq } })
  }
}

async function check(probe: () => Promise<void>): Promise<Check> {
  try {
    await probe()
    return { status: 'ok' }
  } catch (error) {
    return { status: 'error', message: (error as Error).message }
  }
}
