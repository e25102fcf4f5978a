import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

type Fields = Record<string, unknown>

/* The fields without a `_method` that is not a string; null when there is nothing to drop. */
function withoutBadMethod(fields: unknown): Fields | null {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return null
  if (!Object.hasOwn(fields, '_method')) return null
  const { _method: method, ...rest } = fields as Fields
  return typeof method === 'string' ? null : rest
}

/*
 * Method spoofing (config/app.ts) makes `request.method()` read `_method` from
 * the query string and the parsed body and upper-case it, so `_method[]=x` or
 * `{"_method": {}}` makes every reader of the method (the router, shield's
 * CSRF check) throw, and the client got a 500. This drops such a `_method`:
 * the request then goes on as its wire method.
 *
 * Registered twice in start/kernel.ts: first in the server stack, because the
 * router reads the query string's `_method` before any route middleware runs,
 * and again right after the body parser, which only then fills the body.
 */
export default class MethodSpoofingGuardMiddleware {
  handle({ request }: HttpContext, next: NextFn) {
    const qs = withoutBadMethod(request.qs())
    if (qs) request.updateQs(qs)
    const body = withoutBadMethod(request.body())
    if (body) request.updateBody(body)
    return next()
  }
}
