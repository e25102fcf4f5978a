import { isUuid } from '#domain/ids'

/*
 * Who did something, as recorded on ledger rows, payout events and dead
 * letters: `user:<id>` for API clients and operators; other actors (`worker`,
 * `provider`, `sweeper`, `cli:<name>`, `bus:…`) are plain names.
 */
export function userActor(userId: string) {
  return `user:${userId}`
}

/* The user id behind a `user:<id>` actor, or null for any other actor. */
export function userIdOf(actor: string | null | undefined): string | null {
  const id = actor?.startsWith('user:') ? actor.slice('user:'.length) : null
  return id !== null && isUuid(id) ? id.toLowerCase() : null
}
