import { NotFoundException } from '#exceptions/business_refusal'
import type { HttpContext } from '@adonisjs/core/http'
import { isUuid } from '#domain/ids'
import { userActor } from '#domain/actors'

/* Ids are UUIDs; a path id that is not one names nothing: 404, like an unknown id. */
export function uuidParam(value: unknown): string {
  if (!isUuid(value)) throw new NotFoundException()
  return value.toLowerCase()
}

/* The actor recorded for what an API client does: the token's owner. */
export function actorOf(ctx: HttpContext) {
  return userActor(ctx.auth.use('api').getUserOrFail().id)
}
