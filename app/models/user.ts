import { DateTime } from 'luxon'
import hash from '@adonisjs/core/services/hash'
import { compose } from '@adonisjs/core/helpers'
import { BaseModel, beforeSave, column } from '@adonisjs/lucid/orm'
import { withAuthFinder } from '@adonisjs/auth/mixins/lucid'
import type { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import { type Role } from '#domain/roles'

const AuthFinder = withAuthFinder(hash, { uids: ['email'], passwordColumnName: 'password' })

export default class User extends compose(BaseModel, AuthFinder) {
  /* API tokens ('pat_…'): set at boot by app/infrastructure/auth/user_access_tokens.ts. */
  declare static accessTokens: DbAccessTokensProvider<typeof User>

  declare currentAccessToken?: AccessToken

  @column({ isPrimary: true })
  declare id: string

  @column()
  declare email: string

  @column()
  declare fullName: string | null

  @column({ serializeAs: null })
  declare password: string

  @column()
  declare role: Role

  /* Set while the login is disabled: no sign-in, no session, no token. */
  @column.dateTime()
  declare disabledAt: DateTime | null

  @column.dateTime({ autoCreate: true })
  declare createdAt: DateTime

  @column.dateTime({ autoCreate: true, autoUpdate: true })
  declare updatedAt: DateTime

  @beforeSave()
  static normalizeEmail(user: User) {
    if (user.$dirty.email) user.email = user.email.trim().toLowerCase()
  }

  static findByEmail(email: string) {
    return this.findBy('email', email.trim().toLowerCase())
  }
}
