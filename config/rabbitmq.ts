import env from '#start/env'

const rabbitmqConfig = {
  url: env.get('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672'),
  managementUrl: env.get('RABBITMQ_MANAGEMENT_URL', 'http://localhost:15672'),
  /* Reconnect backoff after a lost connection */
  reconnect: { initialDelayMs: 250, maxDelayMs: 10_000 },
}

export default rabbitmqConfig
