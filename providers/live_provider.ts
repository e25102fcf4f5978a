import type { ApplicationService } from '@adonisjs/core/types'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { LiveFeed } from '#infrastructure/live/live_feed'
import { endStreams } from '#infrastructure/live/live_streams'

/*
 * The live pages' feed: in a web process (and the test server), payout
 * events from the broker are broadcast to this process's SSE subscribers.
 * A broker that is down only delays it: the consumer subscribes once connected.
 * At shutdown the open streams end first (registered before the HTTP server's
 * own close, which would otherwise wait for them).
 */
export default class LiveProvider {
  #feed?: LiveFeed

  constructor(protected app: ApplicationService) {}

  async ready() {
    const environment = this.app.getEnvironment()
    if (environment !== 'web' && environment !== 'test') return
    const transmit = await this.app.container.make('transmit')
    const broker = await this.app.container.make(BrokerConnection)
    this.#feed = new LiveFeed(broker, (channel, change) =>
      transmit.broadcast(channel, { ...change })
    )
    await this.#feed.start()
    this.app.terminating(() => endStreams())
  }

  async shutdown() {
    await this.#feed?.stop()
  }
}
