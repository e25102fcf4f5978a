import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import type { Role } from '#domain/roles'
import { UserExistsException } from '#exceptions/user_exceptions'
import { recordAuditNow, type AuditOrigin } from '#infrastructure/audit/audit_log'

export interface CreateUserInput {
  email: string
  password: string
  role: Role
  fullName?: string
}

/*
 * Creates an operator login. The email is unique case-insensitively. With an
 * `origin` (dashboard, CLI), the audit fact goes in the same transaction.
 */
export class CreateUser {
  async handle(input: CreateUserInput, origin?: AuditOrigin) {
    return db.transaction(async (trx) => {
      const existing = await User.query({ client: trx })
        .whereRaw('lower(email) = ?', [input.email.trim().toLowerCase()])
        .first()
      if (existing) throw new UserExistsException()
      try {
        const user = await User.create(
          {
            email: input.email,
            password: input.password,
            role: input.role,
            fullName: input.fullName ?? null,
          },
          { client: trx }
        )
        if (origin) {
          await recordAuditNow(trx, origin, {
            action: 'user.create',
            targetType: 'user',
            targetId: user.id,
            changes: { email: { after: user.email }, role: { after: user.role } },
          })
        }
        return user
      } catch (error) {
        // A racing insert of the same email loses on the unique index.
        if ((error as { code?: string }).code === '23505') throw new UserExistsException()
        throw error
      }
    })
  }
}
