import type { ApplicationService } from '@adonisjs/core/types'

/*
 * Application-wide bindings. Infrastructure (broker connection, provider
 * client) is registered here as singletons and closed on shutdown.
 */
export default class AppProvider {
  constructor(protected app: ApplicationService) {}

  register() {}

  async shutdown() {}
}
