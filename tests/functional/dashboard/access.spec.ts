import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import rabbitmqConfig from '#config/rabbitmq'
import { UserFactory } from '#database/factories/user_factory'

async function countOf(query: ReturnType<typeof db.from>) {
  const row = await query.count('* as total').first()
  return Number(row.total)
}

test.group('Dashboard access', () => {
  for (const path of ['/', '/payouts', '/accounts', '/dead-letters', '/monitoring', '/users']) {
    test(`GET ${path} without a session redirects to /login`, async ({ client }) => {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', '/login')
    })
  }

  test('every role can open the overview and the section pages', async ({ client }) => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const user = await UserFactory.apply(role).create()
      for (const path of ['/', '/payouts', '/accounts', '/dead-letters', '/monitoring']) {
        const response = await client.get(path).loginAs(user)
        response.assertStatus(200)
        response.assertTextIncludes(user.email)
      }
    }
  })

  test('the overview counts users by role and active API tokens only', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    await UserFactory.apply('operator').create()
    await User.accessTokens.create(viewer, ['payouts:read'], { name: 'live' })
    const expired = await User.accessTokens.create(viewer, ['payouts:read'], { name: 'old' })
    await db
      .from('auth_access_tokens')
      .where('id', String(expired.identifier))
      .update({ expires_at: new Date(Date.now() - 60_000) })

    const response = await client.get('/').loginAs(viewer)

    response.assertStatus(200)
    const html = response.text()
    const statOf = (id: string) =>
      Number(new RegExp(`data-testid="stat-${id}"[\\s\\S]*?stat-value">(\\d+)<`).exec(html)?.[1])
    for (const role of ['admin', 'operator', 'viewer']) {
      assert.equal(statOf(role), await countOf(db.from('users').where('role', role)), role)
    }
    const active = await countOf(
      db
        .from('auth_access_tokens')
        .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', new Date()))
    )
    const all = await countOf(db.from('auth_access_tokens'))
    assert.isBelow(active, all)
    assert.equal(statOf('tokens'), active)
    assert.include(html, `href="${rabbitmqConfig.managementUrl}"`)
    for (const link of ['/health/ready', '/metrics', '/docs'])
      assert.include(html, `href="${link}"`)
  })
})

test.group('Dashboard roles on Users & tokens', () => {
  for (const role of ['viewer', 'operator'] as const) {
    test(`the ${role} role gets the 403 page on GET /users`, async ({ client }) => {
      const user = await UserFactory.apply(role).create()
      const response = await client.get('/users').loginAs(user)
      response.assertStatus(403)
      response.assertTextIncludes('You do not have access to this page')
      response.assertTextIncludes('Go to the overview')
    })
  }

  test('a viewer gets 403 on POST /users and nothing is created', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const email = `by-viewer-${Date.now()}@example.test`

    const response = await client
      .post('/users')
      .loginAs(viewer)
      .withCsrfToken()
      .form({ email, password: 'a-long-password-1', role: 'admin' })
      .redirects(0)

    response.assertStatus(403)
    response.assertTextIncludes('You do not have access to this page')
    assert.isNull(await User.findByEmail(email))
  })

  test('an operator gets 403 on POST /users/:id/tokens and no token is issued', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()

    const response = await client
      .post(`/users/${operator.id}/tokens`)
      .loginAs(operator)
      .withCsrfToken()
      .form({ name: 'self-issued', abilities: ['*'] })
      .redirects(0)

    response.assertStatus(403)
    assert.lengthOf(await User.accessTokens.all(operator), 0)
  })

  test('an operator gets 403 on DELETE of a token and the token stays', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const token = await User.accessTokens.create(operator, ['payouts:read'], { name: 'kept' })

    const response = await client
      .delete(`/users/${operator.id}/tokens/${token.identifier}`)
      .loginAs(operator)
      .withCsrfToken()
      .redirects(0)

    response.assertStatus(403)
    assert.lengthOf(await User.accessTokens.all(operator), 1)
  })

  test('the navigation shows Users & tokens to admins only', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const viewer = await UserFactory.apply('viewer').create()

    const asAdmin = await client.get('/').loginAs(admin)
    asAdmin.assertTextIncludes('href="/users"')

    const asViewer = await client.get('/').loginAs(viewer)
    asViewer.assertStatus(200)
    assert.notInclude(asViewer.text(), 'href="/users"')
  })
})
