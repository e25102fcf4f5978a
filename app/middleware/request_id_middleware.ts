import { randomUUID } from 'node:crypto'
import logger from '@adonisjs/core/services/logger'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

const ACCEPTABLE_ID = /^[\w.:@=+/-]{1,128}$/

/*
 * Keeps a caller's X-Request-Id when it is a sane token (a fresh UUID
 * otherwise), echoes it on every response and makes sure the request's logger
 * carries it, so each log line can be tied to one request.
 */
export default class RequestIdMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const incoming = ctx.request.header('x-request-id')
    if (incoming !== undefined && !ACCEPTABLE_ID.test(incoming)) {
      const requestId = randomUUID()
      ctx.request.request.headers['x-request-id'] = requestId
      ctx.logger = logger.child({ request_id: requestId })
    }
    ctx.response.header('X-Request-Id', ctx.request.id()!)
    return next()
  }
}
