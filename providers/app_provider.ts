import type { ApplicationService } from '@adonisjs/core/types'
import type rabbitmqConfig from '#config/rabbitmq'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { declareTopology } from '#infrastructure/rabbitmq/topology'
import { Outbox } from '#infrastructure/outbox/outbox'
import { OutboxRelayLoop } from '#infrastructure/outbox/relay_loop'
import { AuthChangeListener } from '#infrastructure/auth/token_cache'

/*
 * Application-wide bindings. Infrastructure (broker connection, provider
 * client) is registered here as singletons and closed on shutdown.
 */
export default class AppProvider {
  #broker?: BrokerConnection
  #relay?: OutboxRelayLoop
  #outbox?: Outbox
  #authListener?: AuthChangeListener

  constructor(protected app: ApplicationService) {}

  register() {
    this.app.container.singleton(BrokerConnection, async (resolver) => {
      const config = this.app.config.get<typeof rabbitmqConfig>('rabbitmq')
      const logger = await resolver.make('logger')
      this.#broker = new BrokerConnection(
        {
          url: config.url,
          connectionName: `payouts:${this.app.getEnvironment()}:${process.pid}`,
          connectTimeoutMs: config.connectTimeoutMs,
          publishTimeoutMs: config.publishTimeoutMs,
          reconnect: config.reconnect,
        },
        logger.child({ component: 'rabbitmq' })
      )
      // Every process that touches the broker declares the topology on each (re)connection.
      await this.#broker.addSetup(declareTopology)
      return this.#broker
    })
    this.app.container.singleton(Outbox, async (resolver) => {
      this.#outbox = new Outbox(await resolver.make(BrokerConnection))
      return this.#outbox
    })
  }

  /* Before the preloads (routes), once the services the User model needs are booted. */
  async start() {
    const { registerUserAccessTokens } = await import('#infrastructure/auth/user_access_tokens')
    registerUserAccessTokens()
  }

  /*
   * The web process connects at boot (and so declares the topology). A broker
   * that is down at boot does not stop the server: the connection keeps
   * retrying in the background and /health/ready reports it meanwhile.
   */
  async ready() {
    const environment = this.app.getEnvironment()
    const { tokenCache } = this.app.config.get<{ tokenCache: boolean }>('payouts')
    if (tokenCache && (environment === 'web' || environment === 'test')) {
      await this.#listenForAuthChanges()
    }
    if (environment !== 'web') return
    const broker = await this.app.container.make(BrokerConnection)
    broker.start()
    // The web process also relays what a crash left in the outbox, so `web` alone loses nothing.
    const payoutsConfig = this.app.config.get<{ worker: { outboxRelayIntervalMs: number } }>(
      'payouts'
    )
    this.#relay = new OutboxRelayLoop(
      await this.app.container.make(Outbox),
      payoutsConfig.worker.outboxRelayIntervalMs
    )
    this.#relay.start()
  }

  /* Verified tokens are cached while this process hears every change to tokens and users. */
  async #listenForAuthChanges() {
    const { tokenCache } = await import('#infrastructure/auth/access_tokens_provider')
    this.#authListener = new AuthChangeListener(tokenCache)
    // In the background: boot does not wait on it, and until it listens the cache stays off.
    void this.#authListener.start()
  }

  async shutdown() {
    await this.#authListener?.stop()
    await this.#relay?.stop()
    // Publishes still in flight, then rows published but not yet marked: marking them now
    // spares the relay a second send, and nothing touches the database after this.
    await this.#outbox?.close()
    await this.#broker?.close()
  }
}
