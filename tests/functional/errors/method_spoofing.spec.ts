import { test } from '@japa/runner'
import { tokenFor, truncate } from '#tests/helpers'
import { UserFactory } from '#database/factories/user_factory'
import { assertErrorBody } from '#tests/support/error_shape'

/*
 * Method spoofing reads `_method` from the query string and the body; one
 * that is not a string used to make the framework throw (500). It is now
 * dropped and the request is handled as its wire method.
 */
test.group('Errors | a _method that is not a string', (group) => {
  group.each.setup(() => truncate('users', 'accounts', 'outbox_messages'))

  test('a form body with _method[]=x logs in as a plain POST', async ({ client }) => {
    const user = await UserFactory.apply('viewer').create()
    const response = await client
      .post('/login')
      .withCsrfToken()
      .unsafeJson(`_method[]=x&email=${encodeURIComponent(user.email)}&password=password-123456`)
      .type('form')
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', '/')
  })

  test('a JSON body with an object _method is not a 500', async ({ client, assert }) => {
    for (const body of ['{"_method":{}}', '{"_method":["PUT"],"email":"a@b.test"}']) {
      const response = await client
        .post('/login')
        .unsafeJson(body)
        .header('accept', 'text/html')
        .redirects(0)

      assert.oneOf(response.status(), [302, 400, 403, 422], body)
    }
  })

  test('a query string with _method[]=x reaches the POST route', async ({ client, assert }) => {
    const login = await client.post('/login?_method[]=x').form({}).redirects(0)
    assert.oneOf(login.status(), [302, 400, 403, 422])

    const { token } = await tokenFor(['accounts:write'])
    const response = await client
      .post('/api/v1/accounts?_method[a]=DELETE')
      .bearerToken(token)
      .json({ external_ref: `spoof-${Date.now()}`, currency: 'EUR', _method: { x: 1 } })

    response.assertStatus(201)
    assert.equal(response.body().currency, 'EUR')
  })

  test('a string _method still spoofs the method', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const response = await client.post('/api/v1/me?_method=DELETE').bearerToken(token)

    response.assertStatus(405)
    assertErrorBody(assert, response.body())
  })
})
