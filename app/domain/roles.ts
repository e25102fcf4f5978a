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

/* What each role's tokens may do at most (CONTRACT.md, "Limits and hostile input"). */
export const ROLE_ABILITIES: Record<Role, readonly TokenAbility[]> = {
  viewer: ['accounts:read', 'payouts:read'],
  operator: ['accounts:read', 'accounts:write', 'payouts:read', 'payouts:write', 'dlq:manage'],
  admin: TOKEN_ABILITIES,
}

export function roleAllows(role: Role, ability: TokenAbility): boolean {
  return ROLE_ABILITIES[role]?.includes(ability) ?? false
}

/*
 * The abilities a token of a `role` owner actually has: those it was given
 * that the role allows. `*` stands for everything the role allows; it stays
 * `*` for a role that allows every ability.
 */
export function capAbilities(role: Role, given: readonly string[]): (TokenAbility | '*')[] {
  const allowed = ROLE_ABILITIES[role]
  if (given.includes('*')) return allowed.length === TOKEN_ABILITIES.length ? ['*'] : [...allowed]
  return TOKEN_ABILITIES.filter((ability) => given.includes(ability) && roleAllows(role, ability))
}

/* The least powerful role whose tokens may carry all of `abilities`. */
export function lowestRoleFor(abilities: readonly string[]): Role {
  return (
    ROLES.find((role) =>
      abilities.every((a) => a !== '*' && roleAllows(role, a as TokenAbility))
    ) ?? 'admin'
  )
}
