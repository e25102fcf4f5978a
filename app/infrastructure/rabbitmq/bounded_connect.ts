import amqp from 'amqplib'
import { withTimeout } from '#infrastructure/support/with_timeout'

/*
 * amqp.connect with the whole handshake bounded: its own `timeout` covers the
 * TCP connect only, and a broker still starting up can accept the socket and
 * never answer the handshake, which left a process waiting for good after a
 * RabbitMQ restart (the crash run of docs/adr/0009). A connection that opens
 * after we gave up is closed.
 */
export function connectWithin(url: string, connectionName: string, timeoutMs: number) {
  return withTimeout(
    amqp.connect(url, {
      timeout: timeoutMs,
      clientProperties: { connection_name: connectionName },
    }),
    timeoutMs,
    `RabbitMQ did not complete the handshake within ${timeoutMs} ms`,
    (late) => late.close().catch(() => {})
  )
}
