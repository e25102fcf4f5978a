import vine from '@vinejs/vine'
import { email, safeString } from '#validators/rules'

/* POST /login: the dashboard's sign-in form. */
export const signInValidator = vine.create({
  email: email(),
  password: safeString().minLength(1).maxLength(200),
})
