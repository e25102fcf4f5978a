import { inject } from '@adonisjs/core'
import StaticMiddleware from '@adonisjs/static/static_middleware'
import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'

/* Top-level folders of public/: only these paths are looked up on disk. */
const ASSET_PREFIXES = ['/css/', '/js/', '/img/', '/favicon']

/*
 * Serves files from public/ without asking the file system about every API
 * call: a stat per request is measurable under load.
 */
@inject()
export default class PublicFilesMiddleware {
  constructor(private files: StaticMiddleware) {}

  handle(ctx: HttpContext, next: NextFn) {
    const url = ctx.request.url()
    if (!ASSET_PREFIXES.some((prefix) => url.startsWith(prefix))) return next()
    return this.files.handle(ctx, next)
  }
}
