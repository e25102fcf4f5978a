import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { httpRequestDuration } from '#infrastructure/metrics/registry'

/*
 * Times every request until its response is flushed, labelled by the route
 * pattern (never the raw URL, which would explode label cardinality), and
 * writes one access-log line.
 */
export default class HttpMetricsMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    ctx.response.response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const status = ctx.response.response.statusCode
      const route = ctx.route?.pattern ?? 'unmatched'
      httpRequestDuration.observe(
        { method: ctx.request.method(), route, status_code: String(status) },
        seconds
      )
      ctx.logger.info(
        {
          method: ctx.request.method(),
          url: ctx.request.url(),
          route,
          status,
          duration_ms: seconds * 1000,
        },
        'request completed'
      )
    })
    return next()
  }
}
