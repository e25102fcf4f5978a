import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { ROLES, type Role } from '#domain/roles'
import { BusinessRefusal } from '#exceptions/business_refusal'
import type { AuditOrigin } from '#infrastructure/audit/audit_log'

/* The same actions as the Users page: sessions end (and tokens go, when disabling) at once. */
export default class UsersAccess extends BaseCommand {
  static commandName = 'users:access'
  static description =
    'Disable or enable an operator login, or change its role (ends its sessions at once)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Email of the user' })
  declare email: string

  @flags.boolean({ description: 'Disable the login: sessions end, API tokens are revoked' })
  declare disable?: boolean

  @flags.boolean({ description: 'Enable a disabled login again' })
  declare enable?: boolean

  @flags.string({ description: `New role: ${ROLES.join(', ')}` })
  declare role?: string

  async run() {
    const chosen = [this.disable, this.enable, this.role !== undefined].filter(Boolean).length
    if (chosen !== 1) {
      this.logger.error('Give exactly one of --disable, --enable or --role=<role>')
      this.exitCode = 1
      return
    }
    if (this.role !== undefined && !(ROLES as readonly string[]).includes(this.role)) {
      this.logger.error(`Unknown role "${this.role}" (${ROLES.join(', ')})`)
      this.exitCode = 1
      return
    }
    const { default: User } = await import('#models/user')
    const user = await User.findByEmail(this.email)
    if (!user) {
      this.logger.error(`No user with email ${this.email}`)
      this.exitCode = 1
      return
    }
    const { cliOrigin } = await import('#infrastructure/audit/audit_origin')
    const origin = cliOrigin()
    try {
      this.logger.success(await this.apply(origin, user.id, user.email))
    } catch (error) {
      if (!(error instanceof BusinessRefusal)) throw error
      this.logger.error(error.message)
      this.exitCode = 1
    }
  }

  private async apply(origin: AuditOrigin, id: string, email: string) {
    if (this.disable) {
      const { DisableUser } = await import('#actions/users/disable_user')
      const { sessions, tokens } = await new DisableUser().handle(origin, id)
      return `Disabled ${email}: ${sessions} session(s) ended, ${tokens} token(s) revoked`
    }
    if (this.enable) {
      const { EnableUser } = await import('#actions/users/enable_user')
      await new EnableUser().handle(origin, id)
      return `Enabled ${email}`
    }
    const { ChangeUserRole } = await import('#actions/users/change_user_role')
    const changed = await new ChangeUserRole().handle(origin, id, this.role as Role)
    return `${email} is now ${changed.role}`
  }
}
