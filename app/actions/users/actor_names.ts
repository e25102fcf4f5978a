import User from '#models/user'

const USER_ACTOR = /^user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i

/*
 * Emails of the users behind `user:<id>` actors, keyed by the actor string,
 * in one query. Other actors (`worker`, `provider`, `bus:…`) are not users
 * and are shown as they are.
 */
export async function actorNames(
  actors: Iterable<string | null | undefined>
): Promise<Record<string, string>> {
  const ids = new Set<string>()
  for (const actor of actors) {
    const match = USER_ACTOR.exec(actor ?? '')
    if (match) ids.add(match[1].toLowerCase())
  }
  if (ids.size === 0) return {}
  const users = await User.query()
    .select('id', 'email')
    .whereIn('id', [...ids])
  return Object.fromEntries(users.map((user) => [`user:${user.id}`, user.email]))
}
