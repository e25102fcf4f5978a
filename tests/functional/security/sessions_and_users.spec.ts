import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { configProvider } from '@adonisjs/core'
import SessionMiddleware from '@adonisjs/session/session_middleware'
import type User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'
import { DisableUser } from '#actions/users/disable_user'
import { cliOrigin } from '#infrastructure/audit/audit_origin'
import { tokenFor, truncate } from '#tests/helpers'
import { assertErrorBody } from '#tests/support/error_shape'

const PASSWORD = 'password-123456'

/*
 * These tests sign in through the real form with real cookies, on the
 * database session store (the production default; the rest of the suite
 * uses the memory store that `loginAs` writes to).
 */
async function useDatabaseSessions(cleanup: (fn: () => void) => void) {
  const config = await configProvider.resolve<any>(app, app.config.get('session'))
  const emitter = await app.container.make('emitter')
  app.container.swap(
    SessionMiddleware,
    () => new SessionMiddleware({ ...config, store: 'database' }, emitter)
  )
  cleanup(() => app.container.restore(SessionMiddleware))
}

const BASE_URL = `http://localhost:${process.env.PORT}`

interface Answer {
  status: number
  location: string | null
  text: string
  setCookies: string[]
}

/*
 * A browser-like request with fetch: the Cookie header exactly as given (the
 * api client keeps a cookie jar of its own), no redirects followed.
 */
async function browse(
  path: string,
  cookie: string,
  form?: Record<string, string>
): Promise<Answer> {
  const response = await fetch(`${BASE_URL}${path}`, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      cookie,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    text: await response.text(),
    setCookies: response.headers.getSetCookie(),
  }
}

/* The cookies a response set, as a Cookie header (merged over `previous`). */
function cookiesOf(answer: Answer, previous = '') {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => pair.split('=', 2) as [string, string])
  )
  for (const line of answer.setCookies) {
    const [name, value] = line.split(';')[0].split('=', 2)
    jar.set(name, value)
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}

function csrfOf(answer: Answer) {
  return /name=['"]_csrf['"] value=['"]([^'"]+)['"]/.exec(answer.text)![1]
}

/* Signs in through GET /login and POST /login; the session cookie of the signed-in operator. */
async function signIn(user: User) {
  const page = await browse('/login', '')
  const cookie = cookiesOf(page)
  const signedIn = await browse('/login', cookie, {
    _csrf: csrfOf(page),
    email: user.email,
    password: PASSWORD,
  })
  if (signedIn.location !== '/')
    throw new Error(`sign-in failed: ${signedIn.status} ${signedIn.location}`)
  return cookiesOf(signedIn, cookie)
}

test.group('Sessions | server-side and revocable', (group) => {
  group.each.setup(() => truncate('sessions', 'rate_limits'))

  test('a session cookie captured before logout is refused after it', async ({
    assert,
    cleanup,
  }) => {
    await useDatabaseSessions(cleanup)
    const user = await UserFactory.apply('operator').create()
    const captured = await signIn(user)
    const overview = await browse('/', captured)
    assert.equal(overview.status, 200)
    const stored = await db.from('sessions').where('user_id', user.id)
    assert.lengthOf(stored, 1)

    const logout = await browse('/logout', captured, { _csrf: csrfOf(overview) })
    assert.equal(logout.location, '/login')

    const replayed = await browse('/', captured)
    assert.equal(replayed.status, 302)
    assert.equal(replayed.location, '/login')
    assert.lengthOf(await db.from('sessions').where('user_id', user.id), 0)
  })

  test('disabling a user ends their session and refuses their token within a second', async ({
    client,
    assert,
    cleanup,
  }) => {
    await useDatabaseSessions(cleanup)
    const admin = await UserFactory.apply('admin').create()
    const { user, token } = await tokenFor(['payouts:read'])
    const session = await signIn(user)
    assert.equal((await browse('/', session)).status, 200)
    ;(await client.get('/api/v1/payouts').bearerToken(token)).assertStatus(200)

    const adminSession = await signIn(admin)
    const usersPage = await browse('/users', adminSession)
    const started = Date.now()
    const disabled = await browse(`/users/${user.id}/disable`, adminSession, {
      _csrf: csrfOf(usersPage),
    })
    assert.equal(disabled.location, `/users#user-${user.id}`)

    const page = await browse('/', session)
    const api = await client.get('/api/v1/payouts').bearerToken(token)
    assert.isBelow(Date.now() - started, 1000)
    assert.equal(page.location, '/login')
    api.assertStatus(401)
    assertErrorBody(assert, api.body(), 'E_UNAUTHORIZED')
    assert.lengthOf(await db.from('sessions').where('user_id', user.id), 0)
    assert.lengthOf(await db.from('auth_access_tokens').where('tokenable_id', user.id), 0)
    const audit = await db.from('audit_log').where({ action: 'user.disable', target_id: user.id })
    assert.lengthOf(audit, 1)
    assert.equal(audit[0].actor_email, admin.email)
  })

  test('a disabled user cannot sign in, even with the right password', async ({ client }) => {
    const user = await UserFactory.apply('operator').create()
    await new DisableUser().handle(cliOrigin('cli:test'), user.id)

    const refused = await client
      .post('/login')
      .withCsrfToken()
      .form({ email: user.email, password: PASSWORD })
      .redirects(0)
    refused.assertHeader('location', '/login')
  })

  test('a session older than the absolute timeout ends however active', async ({ client }) => {
    const user = await UserFactory.apply('operator').create()
    const old = Date.now() - 13 * 3600 * 1000

    const response = await client
      .get('/')
      .loginAs(user)
      .withSession({ signed_in_at: old })
      .redirects(0)

    response.assertHeader('location', '/login')
  })
})

test.group('Users | disable, enable, change role', (group) => {
  group.each.setup(() => truncate('users', 'rate_limits'))

  test('an admin cannot disable or demote the last enabled admin', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()

    const disable = await client
      .post(`/users/${admin.id}/disable`)
      .loginAs(admin)
      .withCsrfToken()
      .redirects(0)
    const demote = await client
      .post(`/users/${admin.id}/role`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ role: 'operator' })
      .redirects(0)

    for (const response of [disable, demote]) {
      response.assertStatus(302)
      assert.equal(
        response.flashMessages().error,
        'This is the last enabled admin: make another admin first'
      )
    }
    await admin.refresh()
    assert.equal(admin.role, 'admin')
    assert.isNull(admin.disabledAt)
  })

  test('with a second admin, one may demote the other', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const other = await UserFactory.apply('admin').create()

    await client
      .post(`/users/${other.id}/role`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ role: 'viewer' })
      .redirects(0)

    await other.refresh()
    assert.equal(other.role, 'viewer')
    const audit = await db
      .from('audit_log')
      .where({ action: 'user.role_change', target_id: other.id })
    assert.deepEqual(audit[0].changes.role, { before: 'admin', after: 'viewer' })
  })

  test("a role change caps the user's existing tokens at once", async ({ client }) => {
    const admin = await UserFactory.apply('admin').create()
    const { user, token } = await tokenFor(['payouts:read', 'payouts:write'], 'operator')
    const cancel = () =>
      client.post(`/api/v1/payouts/00000000-0000-4000-8000-000000000000/cancel`).bearerToken(token)
    ;(await cancel()).assertStatus(404)

    await client
      .post(`/users/${user.id}/role`)
      .loginAs(admin)
      .withCsrfToken()
      .form({ role: 'viewer' })
      .redirects(0)

    ;(await cancel()).assertStatus(403)
    ;(await client.get('/api/v1/payouts').bearerToken(token)).assertStatus(200)
  })

  test('enabling a disabled user lets them sign in again', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const user = await UserFactory.apply('viewer').create()
    await new DisableUser().handle(cliOrigin('cli:test'), user.id)

    await client.post(`/users/${user.id}/enable`).loginAs(admin).withCsrfToken().redirects(0)

    await user.refresh()
    assert.isNull(user.disabledAt)
    const signedIn = await client
      .post('/login')
      .withCsrfToken()
      .form({ email: user.email, password: PASSWORD })
      .redirects(0)
    signedIn.assertHeader('location', '/')
  })

  test('viewers and operators cannot disable anyone', async ({ client, assert }) => {
    const operator = await UserFactory.apply('operator').create()
    const target = await UserFactory.apply('viewer').create()

    const response = await client
      .post(`/users/${target.id}/disable`)
      .loginAs(operator)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(403)
    await target.refresh()
    assert.isNull(target.disabledAt)
  })
})
