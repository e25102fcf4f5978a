// Brings the framework's `ctx.auth` type along with this replacement of its middleware.
import type {} from '@adonisjs/auth/initialize_auth_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { isJsonEndpoint } from '#infrastructure/http/json_endpoints'

/*
 * Creates ctx.auth, like the framework's middleware, but shares it with the
 * templates only on pages: reading ctx.view builds an Edge renderer, which
 * lists the component folders on disk, and an API request renders nothing.
 */
export default class InitializeAuthMiddleware {
  async handle(ctx: HttpContext, next: NextFn) {
    const manager = await ctx.containerResolver.make('auth.manager')
    ctx.auth = manager.createAuthenticator(ctx)
    if (!isJsonEndpoint(ctx.request.url())) ctx.view.share({ auth: ctx.auth })
    return next()
  }
}
