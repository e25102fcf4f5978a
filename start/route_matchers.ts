/*
 * Ids in dashboard paths are UUIDs; anything else is the 404 page, not a
 * database error. Not router.matchers.uuid(): its class [0-9a-zA-F] lets g–z through.
 */
export const uuid = {
  match: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  cast: (value: string) => value.toLowerCase(),
}
