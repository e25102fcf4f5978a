import { NotFoundException } from '#exceptions/business_refusal'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/* Ids are UUIDs; a path id that is not one names nothing: 404, like an unknown id. */
export function uuidParam(value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new NotFoundException()
  return value.toLowerCase()
}
