import User from '#models/user'
import { userActor, userIdOf } from '#domain/actors'

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
    const id = userIdOf(actor)
    if (id) ids.add(id)
  }
  if (ids.size === 0) return {}
  const users = await User.query()
    .select('id', 'email')
    .whereIn('id', [...ids])
  return Object.fromEntries(users.map((user) => [userActor(user.id), user.email]))
}
