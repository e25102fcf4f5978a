import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { BadRequestException } from '#exceptions/business_refusal'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/*
 * Every /api/v1 route: a valid Bearer access token first (401 otherwise), then
 * a request body, when one is sent, must be JSON (400 otherwise).
 */
export default class ApiMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    await ctx.auth.authenticateUsing(['api'])

    if (BODY_METHODS.has(ctx.request.method()) && this.hasBody(ctx) && !ctx.request.is(['json'])) {
      throw new BadRequestException(
        'The request body must be JSON (Content-Type: application/json)'
      )
    }
    return next()
  }

  protected hasBody(ctx: HttpContext) {
    const length = ctx.request.header('content-length')
    if (length !== undefined) return Number(length) > 0
    return ctx.request.header('transfer-encoding') !== undefined
  }
}
