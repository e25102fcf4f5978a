import app from '@adonisjs/core/services/app'
import StaticMiddleware from '@adonisjs/static/static_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/* Top-level folders of public/: only these paths are looked up on disk. */
const ASSET_PREFIXES = ['/css/', '/js/', '/img/', '/favicon']

/*
 * Serves files from public/ without asking the file system about every API
 * call: a stat per request is measurable under load. The static middleware
 * (a container singleton) is resolved only when an asset is asked for, not
 * injected: resolving it through the container cost every API request ~2 %
 * of its CPU.
 */
export default class PublicFilesMiddleware {
  static #files?: Promise<StaticMiddleware>

  handle(ctx: HttpContext, next: NextFn) {
    const url = ctx.request.url()
    if (!ASSET_PREFIXES.some((prefix) => url.startsWith(prefix))) return next()
    return this.serve(ctx, next)
  }

  protected async serve(ctx: HttpContext, next: NextFn) {
    PublicFilesMiddleware.#files ??= app.container.make(StaticMiddleware)
    const files = await PublicFilesMiddleware.#files
    return files.handle(ctx, next)
  }
}
