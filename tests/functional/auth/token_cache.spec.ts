import { test } from '@japa/runner'
import type { ApiClient } from '@japa/api-client'
import db from '@adonisjs/lucid/services/db'
import type User from '#models/user'
import { RevokeToken } from '#actions/tokens/revoke_token'
import { tokenCache } from '#infrastructure/auth/access_tokens_provider'
import { cliOrigin } from '#infrastructure/audit/audit_origin'
import { tokenFor } from '#tests/helpers'
import { eventually } from '#tests/support/eventually'

/* A token's id as the cache keys it. */
function idOf(token: string) {
  return Buffer.from(token.split('.')[0].replace(/^pat_/, ''), 'base64url').toString('utf8')
}

/* A change that fires no trigger, so no NOTIFY: only a cache can still accept the token. */
async function deleteSilently(token: string) {
  await db.transaction(async (trx) => {
    await trx.rawQuery(`SET LOCAL session_replication_role = replica`)
    await trx.rawQuery('DELETE FROM auth_access_tokens WHERE id = ?', [idOf(token)])
  })
}

async function notified(since: number) {
  await eventually(async () => tokenCache.generation() > since, 5000, 'the NOTIFY')
}

test.group('Access token cache', (group) => {
  const users: User[] = []

  /* A fresh token (its user removed after the test), used once so it is cached. */
  async function usedToken(client: ApiClient) {
    const issued = await tokenFor(['*'])
    users.push(issued.user)
    ;(await client.get('/api/v1/me').bearerToken(issued.token)).assertStatus(200)
    return issued
  }

  group.each.setup(async () => {
    await eventually(async () => tokenCache.enabled, 10_000, 'the auth change listener')
    return async () => {
      for (const user of users.splice(0)) await user.delete()
    }
  })

  test('a known token costs no query until a NOTIFY empties the cache', async ({
    client,
    assert,
  }) => {
    const { token, user } = await usedToken(client)

    // Gone from the table without a notification: the cached row still answers.
    await deleteSilently(token)
    const cached = await client.get('/api/v1/me').bearerToken(token)
    cached.assertStatus(200)
    assert.equal(cached.body().id, user.id)

    const before = tokenCache.generation()
    await db.rawQuery(`SELECT pg_notify('auth_changed', 'test')`)
    await notified(before)
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(401)
  })

  test('the triggers notify on token and user changes, not on last use', async ({
    client,
    assert,
  }) => {
    const { token } = await usedToken(client)

    let before = tokenCache.generation()
    await db.rawQuery(`UPDATE auth_access_tokens SET last_used_at = now() WHERE id = ?`, [
      idOf(token),
    ])
    await db.rawQuery(`SELECT pg_sleep(0.3)`)
    assert.equal(tokenCache.generation(), before, 'last_used_at alone does not notify')

    await db.rawQuery(
      `UPDATE auth_access_tokens SET expires_at = now() - interval '1 minute' WHERE id = ?`,
      [idOf(token)]
    )
    await notified(before)
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(401)

    const other = await usedToken(client)
    before = tokenCache.generation()
    await db.rawQuery(`UPDATE users SET role = 'viewer' WHERE id = ?`, [other.user.id])
    await notified(before)
    const demoted = await client.get('/api/v1/me').bearerToken(other.token)
    demoted.assertStatus(200)
    assert.equal(demoted.body().role, 'viewer')
  })

  test('a token revoked in this process is refused by the very next request', async ({
    client,
  }) => {
    const { token, user } = await usedToken(client)
    await new RevokeToken().handle(cliOrigin('cli:test'), user, idOf(token))
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(401)
  })

  test('while the listener is disconnected nothing is cached', async ({ client, assert }) => {
    const { token } = await usedToken(client)

    await db.rawQuery(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'payouts:auth-listener' AND datname = current_database()`
    )
    await eventually(async () => !tokenCache.enabled, 5000, 'the listener to notice')
    // A change now would not be heard: so the token is read from the table each time.
    await deleteSilently(token)
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(401)

    await eventually(async () => tokenCache.enabled, 10_000, 'the listener to reconnect')
    await usedToken(client)
    assert.equal(tokenCache.size, 1)
  })

  test('concurrent requests of one token all find their owner', async ({ client, assert }) => {
    const { token, user } = await tokenFor(['accounts:read'])
    users.push(user)
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => client.get('/api/v1/me').bearerToken(token))
    )
    assert.deepEqual(
      responses.map((response) => [response.status(), response.body().id]),
      Array.from({ length: 20 }, () => [200, user.id])
    )
  })
})
