import app from '@adonisjs/core/services/app'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/*
 * Pages load scripts, styles and Swagger UI / Chart.js from this origin
 * only, with no inline script; `data:` images are the icons Swagger UI's
 * stylesheet carries; no page may be framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Money data and new token secrets must not stay in a browser or proxy cache.
  'Cache-Control': 'no-store',
  ...(app.inProduction ? { 'Strict-Transport-Security': 'max-age=15552000' } : {}),
}

/*
 * On every answer, routed or not, errors included: set before anything
 * else runs, so an error page keeps them. Static files and the Swagger UI
 * and Chart.js assets set a Cache-Control of their own over this one.
 */
export default class SecurityHeadersMiddleware {
  handle({ response }: HttpContext, next: NextFn) {
    for (const name in HEADERS) response.header(name, HEADERS[name])
    return next()
  }
}
