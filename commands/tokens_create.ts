import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import string from '@adonisjs/core/helpers/string'
import { isTokenAbility, TOKEN_ABILITIES } from '#domain/roles'

/* Whole seconds in a duration such as "30 days" or "12h"; undefined unless at least one second. */
function parseLifetime(expression: string): number | undefined {
  const text = expression.trim()
  if (!/^\d+(\.\d+)?\s*[a-z]+$/i.test(text)) return undefined
  try {
    const seconds = Math.floor(string.seconds.parse(text))
    return seconds >= 1 ? seconds : undefined
  } catch {
    return undefined
  }
}

export default class TokensCreate extends BaseCommand {
  static commandName = 'tokens:create'
  static description = 'Create an API access token for a user and print only the token on stdout'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Email of the user who owns the token' })
  declare email: string

  @flags.string({
    description: `Comma list of abilities (${TOKEN_ABILITIES.join(', ')}) or *`,
    required: true,
  })
  declare abilities: string

  @flags.string({ description: 'Token name shown in the dashboard', default: 'cli' })
  declare name: string

  @flags.string({
    description:
      'Lifetime, e.g. "30 days" or "12h", or "never"; TOKEN_DEFAULT_EXPIRY (90 days) when omitted',
  })
  declare expiresIn?: string

  async run() {
    const abilities = this.abilities
      .split(',')
      .map((ability) => ability.trim())
      .filter(Boolean)
    const unknown = abilities.filter((ability) => !isTokenAbility(ability))
    if (abilities.length === 0 || unknown.length > 0) {
      this.logger.error(`Unknown abilities: ${unknown.join(', ') || '(none given)'}`)
      this.exitCode = 1
      return
    }
    let expiresInSeconds: number | 'never' | undefined
    if (this.expiresIn?.trim() === 'never') {
      expiresInSeconds = 'never'
    } else if (this.expiresIn !== undefined) {
      expiresInSeconds = parseLifetime(this.expiresIn)
      if (expiresInSeconds === undefined) {
        this.logger.error(
          '--expires-in must be a positive duration like "30 days", "12h" or "90m", or "never"'
        )
        this.exitCode = 1
        return
      }
    }

    const { default: User } = await import('#models/user')
    const { CreateToken } = await import('#actions/tokens/create_token')
    const { cliOrigin } = await import('#infrastructure/audit/audit_origin')
    const user = await User.findByEmail(this.email)
    if (!user) {
      this.logger.error(`No user with email ${this.email}`)
      this.exitCode = 1
      return
    }
    const { TokenAbilitiesNotAllowedException } = await import('#exceptions/token_exceptions')
    let created
    try {
      created = await new CreateToken().handle(cliOrigin(), user, {
        name: this.name,
        abilities: abilities as ('*' | (typeof TOKEN_ABILITIES)[number])[],
        expiresIn: expiresInSeconds,
      })
    } catch (error) {
      if (!(error instanceof TokenAbilitiesNotAllowedException)) throw error
      this.logger.error(error.message)
      this.exitCode = 1
      return
    }
    const { secret, dropped } = created
    if (dropped.length) {
      // On stderr: stdout carries the token alone.
      this.logger.logError(
        this.logger.prepareWarning(
          `Left out (not allowed to the ${user.role} role): ${dropped.join(', ')}`
        )
      )
    }
    // The secret alone on stdout, so `$(npm run -s ace -- tokens:create …)` captures it.
    this.logger.log(secret)
  }
}
