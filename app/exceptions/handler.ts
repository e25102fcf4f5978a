import router from '@adonisjs/core/services/router'
import { errors as vineErrors } from '@vinejs/vine'
import { errors as authErrors } from '@adonisjs/auth'
import { errors as bouncerErrors } from '@adonisjs/bouncer'
import { errors as lucidErrors } from '@adonisjs/lucid'
import { errors as httpErrors, type HttpContext, ExceptionHandler } from '@adonisjs/core/http'
import type { StatusPageRange, StatusPageRenderer } from '@adonisjs/core/types/http'
import { BusinessRefusal } from '#exceptions/business_refusal'
import { apiError, type ApiError } from '#exceptions/api_error'
import { isJsonEndpoint } from '#infrastructure/http/json_endpoints'

const ROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/*
 * One place that turns every error into a response: the contract's JSON error
 * format for the API and friendly pages for the dashboard. Stack traces are
 * never sent; unexpected errors are logged with the request id instead.
 */
export default class HttpExceptionHandler extends ExceptionHandler {
  protected debug = false
  protected renderStatusPages = true

  protected statusPages: Record<StatusPageRange, StatusPageRenderer> = {
    '403': (error, { view }) => view.render('pages/errors/forbidden', { error }),
    '404..405': (error, { view }) => view.render('pages/errors/not_found', { error }),
    '500..599': (error, { view, request }) =>
      view.render('pages/errors/server_error', { error, requestId: request.id() }),
  }

  async handle(error: unknown, ctx: HttpContext) {
    if (this.wantsJson(ctx)) {
      const rendered = this.toApiError(error, ctx)
      for (const [name, value] of Object.entries(rendered.headers ?? {})) {
        ctx.response.header(name, value)
      }
      return ctx.response.status(rendered.status).send({ errors: rendered.errors })
    }

    if (error instanceof httpErrors.E_ROUTE_NOT_FOUND && this.allowedMethods(ctx).length) {
      ctx.response.status(405)
      return ctx.response.send(await ctx.view.render('pages/errors/not_found', { error }))
    }
    /* Bouncer would answer a page with plain text, or a form post with a redirect. */
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      ctx.response.status(403)
      return ctx.response.send(await ctx.view.render('pages/errors/forbidden', { error }))
    }
    if (error instanceof BusinessRefusal && 'session' in ctx) {
      ctx.session.flashExcept(['_csrf', '_method', 'password', 'password_confirmation'])
      ctx.session.flash('error', error.message)
      return ctx.response.redirect().back()
    }
    return super.handle(error, ctx)
  }

  async report(error: unknown, ctx: HttpContext) {
    if (error instanceof BusinessRefusal) return
    return super.report(error, ctx)
  }

  protected wantsJson(ctx: HttpContext) {
    const url = ctx.request.url()
    if (isJsonEndpoint(url)) return true
    return ctx.request.accepts(['html', 'json']) === 'json'
  }

  /* Methods that would have matched this URL, for 405 and its Allow header. */
  protected allowedMethods(ctx: HttpContext) {
    const url = ctx.request.url()
    return ROUTE_METHODS.filter((method) => router.match(url, method, true) !== null)
  }

  protected toApiError(error: unknown, ctx: HttpContext): ApiError {
    if (error instanceof vineErrors.E_VALIDATION_ERROR) {
      const messages = error.messages as { field: string; rule: string; message: string }[]
      return {
        status: 422,
        errors: messages.map(({ field, rule, message }) => ({
          code: 'E_VALIDATION_ERROR',
          field,
          rule,
          message,
        })),
      }
    }
    if (error instanceof BusinessRefusal) {
      const refusal = error as BusinessRefusal & { headers?: Record<string, string> }
      return { ...apiError(error.status, error.code!, error.message), headers: refusal.headers }
    }
    if (error instanceof authErrors.E_UNAUTHORIZED_ACCESS) {
      return {
        ...apiError(401, 'E_UNAUTHORIZED', 'A valid Bearer access token is required'),
        headers: { 'WWW-Authenticate': 'Bearer' },
      }
    }
    if (error instanceof bouncerErrors.E_AUTHORIZATION_FAILURE) {
      return apiError(403, 'E_FORBIDDEN', 'Not allowed to perform this action')
    }
    if (error instanceof httpErrors.E_ROUTE_NOT_FOUND) {
      const allowed = this.allowedMethods(ctx)
      if (allowed.length) {
        return {
          ...apiError(405, 'E_METHOD_NOT_ALLOWED', `${ctx.request.method()} is not allowed here`),
          headers: { Allow: allowed.join(', ') },
        }
      }
      return apiError(404, 'E_NOT_FOUND', 'Resource not found')
    }
    if (error instanceof lucidErrors.E_ROW_NOT_FOUND) {
      return apiError(404, 'E_NOT_FOUND', 'Resource not found')
    }
    if (this.isBodyParseError(error)) {
      return apiError(400, 'E_BAD_REQUEST', 'The request body is not valid JSON')
    }

    const status = this.statusOf(error)
    if (status >= 400 && status < 500) {
      const code = (error as { code?: string }).code
      const message = (error as { message?: string }).message ?? 'Bad request'
      return apiError(status, code?.startsWith('E_') ? code : `E_HTTP_${status}`, message)
    }
    return apiError(500, 'E_INTERNAL_ERROR', `Something went wrong (request ${ctx.request.id()})`)
  }

  protected statusOf(error: unknown): number {
    const status = (error as { status?: unknown }).status
    return typeof status === 'number' ? status : 500
  }

  /* The body parser raises SyntaxError (400) for broken JSON and 422 for scalars. */
  protected isBodyParseError(error: unknown) {
    if (error instanceof SyntaxError) return true
    const message = (error as { message?: unknown }).message
    return (
      this.statusOf(error) === 422 && typeof message === 'string' && /Invalid JSON/.test(message)
    )
  }
}
