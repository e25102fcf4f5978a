import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import healthConfig from '#config/health'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { DatabaseProbe } from '#infrastructure/health/database_probe'

type Check = { status: 'ok' } | { status: 'error' }

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

  /*
   * GET /health/ready: PostgreSQL and RabbitMQ both reachable, else 503
   * naming the dependency that failed. Its error text goes to the log only:
   * it can carry host names, users and versions.
   */
  async ready({ response, logger }: HttpContext) {
    const timeoutMs = healthConfig.timeoutMs
    const [database, rabbitmq] = await Promise.all([
      check('database', () => this.database.ping(timeoutMs), logger),
      check('rabbitmq', () => this.broker.ping(timeoutMs), logger),
    ])
    const ok = database.status === 'ok' && rabbitmq.status === 'ok'
    return response
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ok' : 'error', checks: { database, rabbitmq } })
  }
}

async function check(
  dependency: string,
  probe: () => Promise<void>,
  logger: HttpContext['logger']
): Promise<Check> {
  try {
    await probe()
    return { status: 'ok' }
  } catch (error) {
    logger.warn({ err: error, dependency }, 'readiness check failed')
    return { status: 'error' }
  }
}
