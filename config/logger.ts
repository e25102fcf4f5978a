import env from '#start/env'
import { defineConfig, targets } from '@adonisjs/core/logger'
import { tracingEnabled } from '#infrastructure/tracing/sdk'
import { traceLogFields } from '#infrastructure/tracing/spans'

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
      // Inside a traced operation every line names it: trace_id, span_id (none when tracing is off).
      mixin: tracingEnabled() ? traceLogFields : undefined,
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
