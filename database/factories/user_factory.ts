import { randomUUID } from 'node:crypto'
import factory from '@adonisjs/lucid/factories'
import User from '#models/user'

/* Every factory user's password (the sign-in tests type it). */
const PASSWORD = 'password-123456'

/* A user with a unique email; a viewer unless a role state says otherwise. */
export const UserFactory = factory
  .define(User, () => ({
    email: `user-${randomUUID()}@example.test`,
    password: PASSWORD,
    role: 'viewer' as const,
  }))
  .state('viewer', (user) => {
    user.role = 'viewer'
  })
  .state('operator', (user) => {
    user.role = 'operator'
  })
  .state('admin', (user) => {
    user.role = 'admin'
  })
  .build()
