import { defineConfig } from '@adonisjs/transmit'

/*
 * Server-sent events for the live pages. No transport: each web process
 * broadcasts what its own LiveFeed hears on the events exchange, so every
 * process's subscribers get every change (app/infrastructure/live/).
 * The ping keeps idle streams open through proxies.
 */
export default defineConfig({
  pingInterval: '25s',
  transport: null,
})
