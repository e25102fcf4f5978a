import type { DateTime } from 'luxon'

/* Timestamps in the API are ISO 8601 UTC with milliseconds. */
export function isoUtc(value: DateTime | null | undefined): string | null {
  return value ? value.toUTC().toISO() : null
}
