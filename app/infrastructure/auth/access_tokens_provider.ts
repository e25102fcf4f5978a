import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import type { AccessTokenDbColumns } from '@adonisjs/auth/types/access_tokens'

/* How stale `last_used_at` may get before a request writes it again. */
const LAST_USED_RESOLUTION_MS = 60_000

/*
 * The framework's database token provider, with two changes to verify():
 * the secret is checked BEFORE anything is written (a guessed token id alone
 * cannot touch the row), and last_used_at is written at most once a minute
 * instead of on every request. A write per request would make every request
 * of one token queue on the same row lock and cost a WAL flush each.
 */
export class ThrottledAccessTokensProvider<
  Model extends LucidModel,
> extends DbAccessTokensProvider<Model> {
  async verify(tokenValue: Secret<string>) {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null

    const db = await this.getDb()
    const row = (await db
      .query()
      .from(this.table)
      .where({ id: decoded.identifier, type: this.type })
      .limit(1)
      .first()) as AccessTokenDbColumns | null
    if (!row) return null

    const token = this.dbRowToAccessToken(row)
    if (!token.verify(decoded.secret) || token.isExpired()) return null

    const lastUsed = row.last_used_at ? new Date(row.last_used_at).getTime() : 0
    if (Date.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
      const now = new Date()
      await db.from(this.table).where({ id: row.id, type: this.type }).update({ last_used_at: now })
      token.lastUsedAt = now
    }
    return token
  }
}
