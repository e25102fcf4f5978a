import vine from '@vinejs/vine'
import { ROLES, TOKEN_ABILITIES } from '#domain/roles'
import { email, safeString } from '#validators/rules'

export const createUserValidator = vine.create({
  email: email().toLowerCase(),
  fullName: safeString().trim().maxLength(120).optional(),
  password: safeString().minLength(12).maxLength(200),
  role: vine.enum(ROLES),
})

export const createTokenValidator = vine.create({
  name: safeString().trim().minLength(1).maxLength(100),
  abilities: vine
    .array(vine.enum(['*', ...TOKEN_ABILITIES] as const))
    .minLength(1)
    .distinct(),
  expiresInDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
  /* Ticked: the token never expires (otherwise TOKEN_DEFAULT_EXPIRY unless days are given). */
  neverExpires: vine.boolean().optional(),
})

/* The dashboard's role form on a user. */
export const changeRoleValidator = vine.create({
  role: vine.enum(ROLES),
})
