import type { Secret } from '@adonisjs/core/helpers'
import type { LucidModel } from '@adonisjs/lucid/types/model'
import { AccessToken, DbAccessTokensProvider } from '@adonisjs/auth/access_tokens'
import { direct, type Transaction } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'
import type { AccessTokenDbColumns } from '@adonisjs/auth/types/access_tokens'
import { TokenCache } from '#infrastructure/auth/token_cache'

type TokenRow = AccessTokenDbColumns & { owner: Record<string, unknown> }

/* Verified token rows of this process (see TokenCache: on only while LISTENing for changes). */
export const tokenCache = new TokenCache<TokenRow>()

/* How stale `last_used_at` may get before a request writes it again. */
const LAST_USED_RESOLUTION_MS = 60_000

/*
 * The framework's database token provider, with four changes to verify():
 * - the token and its owner are read in ONE query (the owner row rides along
 *   as JSON and is handed to the user provider, see TokenOwnerUserProvider);
 *   a disabled owner's tokens are not found at all;
 * - a row read once is kept in tokenCache, so a known token costs no query
 *   until a trigger's NOTIFY says tokens or users changed (the secret and
 *   expiry are still checked on every request; a cached row that fails them
 *   is read again, as token ids restart in tests);
 * - the secret is checked BEFORE anything is written (a guessed token id alone
 *   cannot touch the row);
 * - last_used_at is written at most once a minute instead of on every
 *   request, which would make every request of one token queue on the same
 *   row lock and cost a WAL flush each.
 */
export class ThrottledAccessTokensProvider<
  Model extends LucidModel,
> extends DbAccessTokensProvider<Model> {
  /*
   * Owner rows read with tokens, until the guard asks for them (same request,
   * next step), counted so that concurrent requests of one user each find it.
   */
  readonly owners = new Map<string, { owner: Record<string, unknown>; waiting: number }>()

  async verify(tokenValue: Secret<string>) {
    const decoded = AccessToken.decode(this.prefix, tokenValue.release())
    if (!decoded) return null
    const found = await this.#find(decoded.identifier, decoded.secret)
    if (!found) return null
    const { row, token } = found

    const lastUsed = row.last_used_at ? new Date(row.last_used_at).getTime() : 0
    if (Date.now() - lastUsed > LAST_USED_RESOLUTION_MS) {
      const now = new Date()
      const db = await this.getDb()
      await db.from(this.table).where({ id: row.id, type: this.type }).update({ last_used_at: now })
      // The cached row too, so the next minute's requests do not write again.
      row.last_used_at = now
      token.lastUsedAt = now
    }
    const owner = this.owners.get(String(row.tokenable_id))
    this.owners.set(String(row.tokenable_id), {
      owner: row.owner,
      waiting: (owner?.waiting ?? 0) + 1,
    })
    return token
  }

  /* The token's row and the verified token: from the cache, else read (and cached). */
  async #find(identifier: string, secret: Secret<string>) {
    const key = `${this.type}:${identifier}`
    const cached = tokenCache.get(key)
    const hit = cached && this.#check(cached, secret)
    if (hit) return { row: cached, token: hit }

    const generation = tokenCache.generation()
    const row = await this.#read(identifier)
    const token = row && this.#check(row, secret)
    if (!token) return null
    tokenCache.set(key, row, generation)
    return { row, token }
  }

  async #read(identifier: string) {
    const result = await direct.rawQuery(
      `SELECT t.*, to_jsonb(u.*) AS owner
         FROM ${this.table} t JOIN users u ON u.id = t.tokenable_id
        WHERE t.id = ? AND t.type = ? AND u.disabled_at IS NULL LIMIT 1`,
      [identifier, this.type]
    )
    return result.rows[0] as TokenRow | undefined
  }

  /* The token when the secret matches and it has not expired. */
  #check(row: TokenRow, secret: Secret<string>) {
    const token = this.dbRowToAccessToken(row)
    return token.verify(secret) && !token.isExpired() ? token : null
  }

  /*
   * create() and delete() of the framework's provider, inside `trx`, so the
   * audit row of the same action commits or rolls back with the token. The
   * row, the secret and its hash are made exactly as create() makes them.
   */
  async createIn(
    trx: Transaction,
    ownerId: string,
    abilities: string[],
    options: { name?: string; expiresIn?: string | number }
  ) {
    const transient = AccessToken.createTransientToken(
      ownerId,
      this.tokenSecretLength,
      options.expiresIn
    )
    const now = new Date()
    const { rows } = await trx.rawQuery(
      `INSERT INTO ${this.table}
         (tokenable_id, type, name, hash, abilities, created_at, updated_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [
        ownerId,
        this.type,
        options.name ?? null,
        transient.hash,
        JSON.stringify(abilities),
        now,
        now,
        transient.expiresAt ?? null,
      ] as RawBindings
    )
    return new AccessToken({
      identifier: String(rows[0].id),
      tokenableId: ownerId,
      type: this.type,
      prefix: this.prefix,
      secret: transient.secret,
      name: options.name ?? null,
      hash: transient.hash,
      abilities,
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
      expiresAt: transient.expiresAt ?? null,
    })
  }

  /* Deletes one of an owner's tokens in `trx`; its name, or null when it had no such token. */
  async deleteIn(trx: Transaction, ownerId: string, tokenId: string) {
    const { rows } = await trx.rawQuery(
      `DELETE FROM ${this.table} WHERE id = ? AND tokenable_id = ? AND type = ? RETURNING name`,
      [tokenId, ownerId, this.type]
    )
    return rows.length ? { name: (rows[0].name as string | null) ?? null } : null
  }

  /* The owner row read with the token; undefined when no verified request is waiting for it. */
  takeOwner(id: string | number | bigint) {
    const key = String(id)
    const entry = this.owners.get(key)
    if (!entry) return undefined
    if (entry.waiting <= 1) this.owners.delete(key)
    else entry.waiting -= 1
    return entry.owner
  }
}
