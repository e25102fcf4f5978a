import env from '#start/env'
import { defineConfig, targets } from '@adonisjs/core/logger'

/*
 * JSON lines on stdout. The HTTP layer binds a child logger carrying the
 * request id, so every line written while serving a request names it.
 */
const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: env.get('APP_NAME', 'payouts'),
      level: env.get('LOG_LEVEL', 'info'),
      transport: {
        targets: [targets.file({ destination: 1 })],
      },
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
