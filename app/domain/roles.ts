/*
 * Operator roles, from least to most powerful. A viewer reads; an operator
 * also acts on payouts and dead letters; an admin also manages users and
 * API tokens.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const
export type Role = (typeof ROLES)[number]

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum)
}

/* Abilities an API access token can carry; `*` grants all of them. */
export const TOKEN_ABILITIES = [
  'accounts:read',
  'accounts:write',
  'payouts:read',
  'payouts:write',
  'dlq:manage',
] as const
export type TokenAbility = (typeof TOKEN_ABILITIES)[number]

export function isTokenAbility(value: string): value is TokenAbility | '*' {
  return value === '*' || (TOKEN_ABILITIES as readonly string[]).includes(value)
}
