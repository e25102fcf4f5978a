import type { Instant } from '#domain/records'

/* An Instant as a JavaScript Date (a luxon DateTime converted). */
export function toDate(value: Instant): Date {
  return value instanceof Date ? value : value.toJSDate()
}

/* Timestamps in the API are ISO 8601 UTC with milliseconds. */
export function isoUtc(value: Instant | null | undefined): string | null {
  if (!value) return null
  return toDate(value).toISOString()
}
