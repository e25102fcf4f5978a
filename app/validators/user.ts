import vine from '@vinejs/vine'
import { ROLES, TOKEN_ABILITIES } from '#domain/roles'

export const createUserValidator = vine.create({
  email: vine.string().trim().toLowerCase().email().maxLength(254),
  fullName: vine.string().trim().maxLength(120).optional(),
  password: vine.string().minLength(12).maxLength(200),
  role: vine.enum(ROLES),
})

export const createTokenValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(100),
  abilities: vine
    .array(vine.enum(['*', ...TOKEN_ABILITIES] as const))
    .minLength(1)
    .distinct(),
  expiresInDays: vine.number().withoutDecimals().min(1).max(3650).optional(),
})
