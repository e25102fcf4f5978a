/*
 * Dashboard authorization by role. Pages and forms check these through
 * bouncer (`bouncer.authorize`, `@can` in Edge); API tokens are checked by
 * abilities instead (see token_ability_middleware).
 */
import { Bouncer } from '@adonisjs/bouncer'
import type User from '#models/user'
import { roleAtLeast } from '#domain/roles'

export const viewDashboard = Bouncer.ability((user: User) => roleAtLeast(user.role, 'viewer'))

export const actOnPayouts = Bouncer.ability((user: User) => roleAtLeast(user.role, 'operator'))

export const manageDeadLetters = Bouncer.ability((user: User) => roleAtLeast(user.role, 'operator'))

export const manageUsers = Bouncer.ability((user: User) => roleAtLeast(user.role, 'admin'))
