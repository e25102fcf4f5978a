import vine from '@vinejs/vine'

/* POST /login: the dashboard's sign-in form. */
export const signInValidator = vine.create({
  email: vine.string().trim().email().maxLength(254),
  password: vine.string().minLength(1).maxLength(200),
})
