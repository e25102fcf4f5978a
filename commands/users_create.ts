import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { errors as vineErrors } from '@vinejs/vine'
import { ROLES, type Role } from '#domain/roles'
import { createUserValidator } from '#validators/user'
import { BusinessRefusal } from '#exceptions/business_refusal'

export default class UsersCreate extends BaseCommand {
  static commandName = 'users:create'
  static description = 'Create an operator login (admin, operator or viewer)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Email address used to log in' })
  declare email: string

  @flags.string({ description: `Role: ${ROLES.join(', ')}`, default: 'viewer' })
  declare role: string

  @flags.string({ description: 'Password (asked for when omitted and a terminal is attached)' })
  declare password?: string

  @flags.string({ description: 'Display name', alias: 'n' })
  declare name?: string

  async run() {
    let password = this.password
    if (password === undefined) {
      if (!process.stdin.isTTY) {
        this.logger.error('--password is required when no terminal is attached')
        this.exitCode = 1
        return
      }
      password = await this.prompt.secure('Password (12 characters or more)')
    }

    const { CreateUser } = await import('#actions/users/create_user')
    const { cliOrigin } = await import('#infrastructure/audit/audit_origin')
    try {
      const input = await createUserValidator.validate({
        email: this.email,
        password,
        role: this.role as Role,
        fullName: this.name,
      })
      const user = await new CreateUser().handle(input, cliOrigin())
      this.logger.success(`Created ${user.role} ${user.email} (${user.id})`)
    } catch (error) {
      this.exitCode = 1
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        for (const { field, message } of error.messages as { field: string; message: string }[]) {
          this.logger.error(`${field}: ${message}`)
        }
        return
      }
      if (error instanceof BusinessRefusal) {
        this.logger.error(error.message)
        return
      }
      throw error
    }
  }
}
