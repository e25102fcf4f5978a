import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import { direct } from '#infrastructure/database/direct'
import type { AccessTokenDbColumns } from '@adonisjs/auth/types/access_tokens'

/* How stale `last_used_at` may get before a request writes it again. */
const LAST_USED_RESOLUTION_MS = 60_000

/*
 * The framework's database token provider, with three changes to verify():
 * - the token and its owner are read in ONE query (the owner row rides along
 *   as JSON and is handed to the user provider, see TokenOwnerUserProvider);
 * - the secret is checked BEFORE anything is written (a guessed token id alone
 *   cannot touch the row);
 * - last_used_at is written at most once a minute instead of on every
 *   request, which would make every request of one token queue on the same
 *   row lock and cost a WAL flush each.
 */
export class ThrottledAccessTokensProvider<
  Model extends LucidModel,
> extends DbAccessTokensProvider<Model> {
  /* Owner rows read with tokens, until the guard asks for them (same request, next step). */
  readonly owners = new Map<string, Record<string, unknown>>()

  async verify(tokenValue: Secret<string>) {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null

    const result = await direct.rawQuery(
      `SELECT t.*, to_jsonb(u.*) AS owner
         FROM ${this.table} t JOIN users u ON u.id = t.tokenable_id
        WHERE t.id = ? AND t.type = ? LIMIT 1`,
      [decoded.identifier, this.type]
    )
    const row = result.rows[0] as
      (AccessTokenDbColumns & { owner: Record<string, unknown> }) | undefined
    if (!row) return null

    const token = this.dbRowToAccessToken(row)
    if (!token.verify(decoded.secret) || token.isExpired()) return null

    const lastUsed = row.last_used_at ? new Date(row.last_used_at).getTime() : 0
    if (Date.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
      const now = new Date()
      const db = await this.getDb()
      await db.from(this.table).where({ id: row.id, type: this.type }).update({ last_used_at: now })
      token.lastUsedAt = now
    }
    this.owners.set(String(row.tokenable_id), row.owner)
    return token
  }

  /* The owner row read with the token, once; undefined when it was already taken. */
  takeOwner(id: string | number | bigint) {
    const key = String(id)
    const owner = this.owners.get(key)
    this.owners.delete(key)
    return owner
  }
}
