import env from '#start/env'

const rabbitmqConfig = {
  url: env.get('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672'),
  managementUrl: env.get('RABBITMQ_MANAGEMENT_URL', 'http://localhost:15672'),
  /* Reconnect backoff after a lost connection */
  reconnect: { initialDelayMs: 250, maxDelayMs: 10_000 },
  /* TCP connect and AMQP handshake of one attempt */
  connectTimeoutMs: 5000,
  /* Longest wait for a connection plus the broker's confirm of one publish */
  publishTimeoutMs: 5000,
}

export default rabbitmqConfig
