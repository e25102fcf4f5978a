import pg from 'pg'
import logger from '@adonisjs/core/services/logger'
import databaseConfig from '#config/database'

export interface PgListenerOptions {
  channels: string[]
  /* The application's postgres connection unless given. */
  connection?: pg.ClientConfig
  /* Names the connection in pg_stat_activity. */
  applicationName: string
  onNotification: (channel: string, payload: string) => void
  /*
   * After each (re)connection once LISTEN succeeded: notifications sent while
   * disconnected are lost, so the owner reads the state it follows again.
   */
  onListening?: () => void
  /* The moment the connection fails, before any retry. */
  onLost?: () => void
  retryMs?: number
}

/*
 * One dedicated connection LISTENing on some channels, outside the pool
 * (LISTEN holds its connection for good). Reconnects until stopped.
 */
export class PgListener {
  #client?: pg.Client
  #stopped = false
  #retry?: NodeJS.Timeout

  constructor(private options: PgListenerOptions) {}

  /* Resolves once listening, or after the first failure (retrying in the background). */
  async start() {
    this.#stopped = false
    await this.#connect()
  }

  async stop() {
    this.#stopped = true
    clearTimeout(this.#retry)
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => {})
  }

  get listening() {
    return this.#client !== undefined
  }

  async #connect() {
    const connection =
      this.options.connection ?? (databaseConfig.connections.postgres.connection as pg.ClientConfig)
    const client = new pg.Client({
      ...connection,
      application_name: this.options.applicationName,
      connectionTimeoutMillis: 5000,
    })
    const lost = (error?: Error) => {
      if (this.#client !== client) return
      this.#client = undefined
      this.options.onLost?.()
      if (this.#stopped) return
      logger.warn({ err: error, listener: this.options.applicationName }, 'LISTEN connection lost')
      client.end().catch(() => {})
      this.#scheduleRetry()
    }
    client.on('error', lost)
    client.on('end', () => lost())
    client.on('notification', (message) =>
      this.options.onNotification(message.channel, message.payload ?? '')
    )
    this.#client = client
    try {
      await client.connect()
      for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`)
      if (this.#client === client && !this.#stopped) this.options.onListening?.()
    } catch (error) {
      lost(error as Error)
    }
  }

  #scheduleRetry() {
    clearTimeout(this.#retry)
    this.#retry = setTimeout(() => void this.#connect(), this.options.retryMs ?? 1000)
    this.#retry.unref()
  }
}
