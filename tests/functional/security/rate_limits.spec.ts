import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { rateLimits } from '#config/limiter'
import { UserFactory } from '#database/factories/user_factory'
import { rateLimitRefusals } from '#infrastructure/rate_limits/metrics'
import { tokenFor, truncate } from '#tests/helpers'
import { assertErrorBody } from '#tests/support/error_shape'

const PASSWORD = 'password-123456'

async function refusals(limit: string) {
  const metric = await rateLimitRefusals.get()
  return metric.values.find((value) => value.labels.limit === limit)?.value ?? 0
}

/* Lowers one limit for the test, restored afterwards. */
function lower<Group extends keyof typeof rateLimits>(
  cleanup: (fn: () => void) => void,
  group: Group,
  values: Partial<(typeof rateLimits)[Group]>
) {
  const saved = { ...(rateLimits[group] as object) }
  Object.assign(rateLimits[group] as object, values)
  cleanup(() => Object.assign(rateLimits[group] as object, saved))
}

function assertRateLimited(assert: any, response: any) {
  response.assertStatus(429)
  assertErrorBody(assert, response.body(), 'E_TOO_MANY_REQUESTS')
  const retryAfter = Number(response.header('retry-after'))
  assert.isAtLeast(retryAfter, 1)
  assert.isDefined(response.header('ratelimit-limit'))
  assert.equal(response.header('ratelimit-remaining'), '0')
  assert.equal(response.header('ratelimit-reset'), String(retryAfter))
}

test.group('Rate limits | API per token', (group) => {
  group.each.setup(() => truncate('rate_limits'))

  test('over the per-token limit: 429 with Retry-After and RateLimit-* headers', async ({
    client,
    assert,
    cleanup,
  }) => {
    lower(cleanup, 'api', { perMinute: 3 })
    const { token } = await tokenFor(['accounts:read'])
    const before = await refusals('api')

    for (let i = 0; i < 3; i++)
      (await client.get('/api/v1/me').bearerToken(token)).assertStatus(200)
    const refused = await client.get('/api/v1/me').bearerToken(token)

    assertRateLimited(assert, refused)
    assert.equal(await refusals('api'), before + 1)
    // Another token is not held back by the first one's count.
    const other = await tokenFor(['accounts:read'])
    ;(await client.get('/api/v1/me').bearerToken(other.token)).assertStatus(200)
  })

  test('a process counts requests in leases of the shared limit, one refill at a time', async ({
    client,
    assert,
    cleanup,
  }) => {
    // 1 % of 1,000: leases of 10 requests, one upsert each instead of one per request.
    lower(cleanup, 'api', { perMinute: 1000, burstPerSecond: 1000 })
    const { token } = await tokenFor(['accounts:read'])

    const answers = await Promise.all(
      Array.from({ length: 30 }, () => client.get('/api/v1/me').bearerToken(token))
    )

    answers.forEach((answer) => answer.assertStatus(200))
    // The burst count lives in memory: the table holds the shared counts only.
    const rows: { points: number }[] = await db.from('rate_limits').whereLike('key', 'api:%')
    const counted = rows.reduce((sum, row) => sum + Number(row.points), 0)
    // Every request counted, in advance, and at most one lease ahead: concurrent requests
    // waited for one refill instead of each taking a lease (30 × 10 = 300 before that).
    assert.isAtLeast(counted, 30)
    assert.isAtMost(counted, 40)
  })

  test('the burst limit of one process refuses too', async ({ client, assert, cleanup }) => {
    lower(cleanup, 'api', { burstPerSecond: 2 })
    const { token } = await tokenFor(['accounts:read'])

    const answers = await Promise.all(
      Array.from({ length: 6 }, () => client.get('/api/v1/me').bearerToken(token))
    )

    const statuses = answers.map((answer) => answer.status())
    assert.includeMembers(statuses, [200, 429])
    assert.isAtMost(statuses.filter((status) => status === 200).length, 2)
  })

  test('a 429 is never stored as the answer of an Idempotency-Key', async ({
    client,
    assert,
    cleanup,
  }) => {
    lower(cleanup, 'api', { perMinute: 1 })
    const { token } = await tokenFor(['accounts:write'])
    const key = `k-${randomUUID()}`
    const body = { external_ref: `rl-${randomUUID()}`, currency: 'EUR' }
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(200)

    const refused = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .header('Idempotency-Key', key)
      .json(body)
    assertRateLimited(assert, refused)
    const stored = await db.from('idempotency_keys').where('key', key)
    assert.lengthOf(stored, 0)

    rateLimits.api.perMinute = 100
    const created = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .header('Idempotency-Key', key)
      .json(body)
    created.assertStatus(201)
    assert.isUndefined(created.header('idempotent-replayed'))
  })
})

test.group('Rate limits | provider webhook per source address', (group) => {
  group.each.setup(() => truncate('rate_limits'))

  test('past the limit the webhook answers 429 before the signature is checked', async ({
    client,
    assert,
    cleanup,
  }) => {
    lower(cleanup, 'webhook', { perMinute: 2 })
    const send = () => client.post('/webhooks/provider').json({ event_id: 'x' })

    ;(await send()).assertStatus(401)
    ;(await send()).assertStatus(401)
    assertRateLimited(assert, await send())
  })
})

test.group('Rate limits | sign-in', (group) => {
  group.each.setup(() => truncate('rate_limits'))

  async function signIn(client: any, email: string, password: string) {
    return client.post('/login').withCsrfToken().form({ email, password }).redirects(0)
  }

  test('the 6th wrong password within a minute is 429, and so is the right one while locked', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.apply('operator').create()
    const before = await refusals('sign_in')

    for (let i = 0; i < 5; i++) {
      const wrong = await signIn(client, user.email, `wrong-${i}`)
      wrong.assertStatus(302)
      wrong.assertHeader('location', '/login')
    }
    const sixth = await signIn(client, user.email, 'wrong-6')
    sixth.assertStatus(429)
    assert.isAtLeast(Number(sixth.header('retry-after')), 50)
    assert.include(sixth.text(), 'data-testid="sign-in-throttled"')
    assert.include(sixth.text(), 'Too many requests')

    const right = await signIn(client, user.email, PASSWORD)
    right.assertStatus(429)
    assert.notProperty(right.session(), 'auth_web')
    assert.equal(await refusals('sign_in'), before + 2)
  })

  test('the right password before the limit signs in and starts the count afresh', async ({
    client,
    assert,
  }) => {
    const user = await UserFactory.apply('operator').create()
    for (let i = 0; i < 4; i++) (await signIn(client, user.email, 'wrong')).assertStatus(302)

    const right = await signIn(client, user.email, PASSWORD)
    right.assertHeader('location', '/')
    assert.equal(right.session().auth_web, user.id)
    for (let i = 0; i < 4; i++) {
      ;(await signIn(client, user.email, 'wrong')).assertHeader('location', '/login')
    }
  })

  test('each further lock-out within a day lasts twice as long', async ({ client, assert }) => {
    const user = await UserFactory.apply('operator').create()
    const lockOut = async () => {
      for (let i = 0; i < 5; i++) await signIn(client, user.email, 'wrong')
      return Number((await signIn(client, user.email, 'wrong')).header('retry-after'))
    }

    const first = await lockOut()
    // The lock-out runs out (its counter row goes); the day's count of lock-outs stays.
    await db.rawQuery(`DELETE FROM rate_limits WHERE key LIKE ?`, [`sign_in:${user.email}|%`])
    const second = await lockOut()

    assert.closeTo(first, 60, 2)
    assert.closeTo(second, 120, 2)
  })

  test('wrong passwords for many emails from one address lock that address', async ({
    client,
    cleanup,
  }) => {
    lower(cleanup, 'signIn', { perIp: 3 })
    for (let i = 0; i < 3; i++) {
      ;(await signIn(client, `nobody-${i}@example.test`, 'wrong')).assertStatus(302)
    }
    const user = await UserFactory.apply('operator').create()
    ;(await signIn(client, user.email, PASSWORD)).assertStatus(429)
  })
})
