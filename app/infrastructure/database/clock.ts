/*
 * "Now" as every write stores it: the statement's own clock to the
 * millisecond, since the API shows milliseconds and a stored instant must
 * read back exactly as it was shown.
 */
export const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`

/* A timestamp column as pg returns it (a Date), or as text when it came through JSON. */
export function instant(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null
  return value instanceof Date ? value : new Date(value)
}
