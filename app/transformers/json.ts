import type { Instant } from '#domain/records'

/* Timestamps in the API are ISO 8601 UTC with milliseconds. */
export function isoUtc(value: Instant | null | undefined): string | null {
  if (!value) return null
  return (value instanceof Date ? value : value.toJSDate()).toISOString()
}
