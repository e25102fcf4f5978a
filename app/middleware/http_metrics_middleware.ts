import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { httpRequestDuration } from '#infrastructure/metrics/registry'

/* The label for requests no route matched (404, 405, static files). */
export const UNMATCHED_ROUTE = 'unmatched'

/*
 * Times every request until its response is closed, labelled by the route
 * pattern (never the raw URL, which would explode label cardinality), and
 * writes one access-log line through the request's logger, so it carries the
 * request id.
 */
export default class HttpMetricsMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const started = process.hrtime.bigint()
    const res = ctx.response.response
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const status = res.statusCode
      const route = ctx.route?.pattern ?? UNMATCHED_ROUTE
      const method = methodLabel(ctx)
      httpRequestDuration.observe({ method, route, status_code: String(status) }, seconds)
      ctx.logger.info(
        {
          method,
          url: ctx.request.url(),
          route,
          status,
          duration_ms: Math.round(seconds * 1e6) / 1e3,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request completed'
      )
    })
    return next()
  }
}

/*
 * `request.method()` is not safe here: with method spoofing it reads
 * `_method` from the parsed body and throws when that is not a string, which
 * would crash the process from inside this listener. The wire method is one of
 * the fixed set Node's parser accepts; a spoofed method is taken from the
 * route it matched.
 */
function methodLabel(ctx: HttpContext) {
  const wire = ctx.request.intended()
  const methods = ctx.route?.methods
  if (!methods || methods.includes(wire)) return wire
  return methods[0]
}
