import { NotFoundException } from '#exceptions/business_refusal'
import { isUuid } from '#domain/ids'

/* Ids are UUIDs; a path id that is not one names nothing: 404, like an unknown id. */
export function uuidParam(value: unknown): string {
  if (!isUuid(value)) throw new NotFoundException()
  return value.toLowerCase()
}
