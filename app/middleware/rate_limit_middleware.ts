import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { throttleApi, throttleWebhook } from '#infrastructure/rate_limits/rate_limiter'

/*
 * 429 over a rate limit (config/limiter.ts): `api` per access token (after
 * the api middleware authenticated it, before the Idempotency-Key is
 * claimed), `webhook` per source address (before the signature is checked).
 */
export default class RateLimitMiddleware {
  async handle(ctx: HttpContext, next: NextFn, limit: 'api' | 'webhook') {
    if (limit === 'webhook') {
      await throttleWebhook(ctx.request.ip())
    } else {
      const token = ctx.auth.use('api').user?.currentAccessToken
      if (token) await throttleApi(String(token.identifier))
    }
    return next()
  }
}
