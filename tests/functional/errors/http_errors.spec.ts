import { test } from '@japa/runner'
import { tokenFor, truncate } from '#tests/helpers'
import { assertErrorBody } from '#tests/support/error_shape'

/*
 * The error format of CONTRACT.md as a client sees it, through real requests.
 * POST /api/v1/accounts is used as "a JSON route": any /api/v1 POST would do.
 */
test.group('API errors | request problems', (group) => {
  group.each.setup(() => truncate('users', 'accounts', 'outbox_messages'))

  test('malformed JSON is a 400 E_BAD_REQUEST', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const response = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .unsafeJson('{"external_ref": "x", ')

    response.assertStatus(400)
    assertErrorBody(assert, response.body(), 'E_BAD_REQUEST')
  })

  test('a URL that is not valid percent-encoding is a 400 E_BAD_REQUEST', async ({ assert }) => {
    // Raw fetch: the test client would re-encode the broken sequence.
    const response = await fetch(
      `http://localhost:${process.env.PORT}/api/v1/transactions/%E0%A4%A`
    )
    assert.equal(response.status, 400)
    assert.include(response.headers.get('content-type') ?? '', 'application/json')
    assertErrorBody(assert, await response.json(), 'E_BAD_REQUEST')
  })

  test('a JSON scalar instead of an object is a 400 E_BAD_REQUEST', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const response = await client.post('/api/v1/accounts').bearerToken(token).unsafeJson('42')

    assert.oneOf(response.status(), [400, 422])
    assertErrorBody(assert, response.body())
  })

  test('a text/plain body on a JSON route is a 400 E_BAD_REQUEST', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const response = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .unsafeJson('external_ref=x&currency=EUR')
      .type('text/plain')

    response.assertStatus(400)
    assertErrorBody(assert, response.body(), 'E_BAD_REQUEST')
  })

  test('an unknown /api/v1 path is a 404 E_NOT_FOUND, with or without a token', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    for (const request of [
      client.get('/api/v1/no-such-thing'),
      client.get('/api/v1/no-such-thing').bearerToken(token),
      client.delete('/api/v1/me/deeper/still').bearerToken(token),
    ]) {
      const response = await request
      response.assertStatus(404)
      assertErrorBody(assert, response.body(), 'E_NOT_FOUND')
    }
  })

  test('a wrong method on an existing path is a 405 naming the allowed ones', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const response = await client.post('/api/v1/me').bearerToken(token).json({})

    response.assertStatus(405)
    const allowed = String(response.header('allow')).split(/,\s*/)
    assert.includeMembers(allowed, ['GET', 'HEAD'])
    assert.notInclude(allowed, 'POST')
    assertErrorBody(assert, response.body())
  })

  test('a non-string _method in the query is refused without a stack trace', async ({
    client,
    assert,
  }) => {
    const response = await client.post('/api/v1/me').unsafeQs('_method[]=x')

    assert.isAtLeast(response.status(), 400)
    assertErrorBody(assert, response.body())
  })
})
