import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import type { Role, TokenAbility } from '#domain/roles'

let counter = 0

/* A user with a unique email; the password is `password-123456`. */
export async function createUser(role: Role = 'viewer', email?: string) {
  counter += 1
  return User.create({
    email: email ?? `user${Date.now()}-${counter}@example.test`,
    password: 'password-123456',
    role,
  })
}

/* A Bearer token secret for a fresh user holding the given abilities. */
export async function tokenFor(abilities: (TokenAbility | '*')[], role: Role = 'viewer') {
  const user = await createUser(role)
  const token = await User.accessTokens.create(user, abilities, { name: 'test' })
  return { user, token: token.value!.release() }
}

/* Empties the given tables (and what references them) between tests that cross processes. */
export async function truncate(...tables: string[]) {
  await db.rawQuery(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`)
}
