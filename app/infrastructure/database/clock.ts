/*
 * "Now" as every write stores it: the statement's own clock to the
 * millisecond, since the API shows milliseconds and a stored instant must
 * read back exactly as it was shown.
 */
export const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`

/* An instant the application decides (see docs/adr/0008), at the precision the API shows. */
export function nowMs(): Date {
  return new Date(Date.now())
}
