import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { tokenFor } from '#tests/helpers'
import { tokenCache } from '#infrastructure/auth/access_tokens_provider'

async function lastUsed(userId: string) {
  const result = await db.rawQuery(
    'SELECT last_used_at FROM auth_access_tokens WHERE tokenable_id = ?',
    [userId]
  )
  return result.rows[0].last_used_at as Date | null
}

test.group('Access token last use', () => {
  test('is recorded on first use and not rewritten on every request', async ({
    client,
    assert,
  }) => {
    const { token, user } = await tokenFor(['*'])
    assert.isNull(await lastUsed(user.id))
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(200)
    const first = await lastUsed(user.id)
    assert.instanceOf(first, Date)
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(200)
    assert.equal((await lastUsed(user.id))!.getTime(), first!.getTime())

    await db.rawQuery(
      `UPDATE auth_access_tokens SET last_used_at = now() - interval '2 minutes' WHERE tokenable_id = ?`,
      [user.id]
    )
    // As when the cached row is a minute old and read again (last_used_at alone notifies nothing).
    tokenCache.invalidate()
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(200)
    assert.isAbove((await lastUsed(user.id))!.getTime(), first!.getTime() - 1000)
  })

  test('a token id with a wrong secret is refused and writes nothing', async ({
    client,
    assert,
  }) => {
    const { token, user } = await tokenFor(['*'])
    const forged = token.slice(0, token.indexOf('.') + 1) + 'x'.repeat(40)
    ;(await client.get('/api/v1/me').bearerToken(forged)).assertStatus(401)
    assert.isNull(await lastUsed(user.id))
  })
})
