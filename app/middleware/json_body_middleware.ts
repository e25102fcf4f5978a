import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { JSON_TYPES } from '#config/bodyparser'
import { MAX_JSON_DEPTH, parseJsonBody } from '#infrastructure/http/strict_json'
import { BadRequestException } from '#exceptions/business_refusal'

const MESSAGES = {
  not_object: 'The request body must be a JSON object or array',
  too_deep: `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`,
  syntax: 'The request body is not valid JSON',
}

/*
 * JSON bodies, on every route (API, webhook). config/bodyparser.ts hands
 * them over as raw text, so the framework never parses (nor deep-clones) a
 * body nested 10,000 deep: this checks the nesting on the text first (400),
 * then parses with exact numbers (see strict_json.ts).
 */
export default class JsonBodyMiddleware {
  handle(ctx: HttpContext, next: NextFn) {
    const { request } = ctx
    if (request.bodyType !== 'raw' || !request.is(JSON_TYPES)) return next()
    const parsed = parseJsonBody(request.raw() ?? '')
    if (!parsed.ok) throw new BadRequestException(MESSAGES[parsed.reason])
    request.updateBody(parsed.value as Record<string, unknown>)
    request.bodyType = 'json'
    return next()
  }
}
