import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { tokenFor } from '#tests/helpers'
import { assertErrorBody } from '#tests/support/error_shape'
import { jsonDepth, parseJsonBody } from '#infrastructure/http/strict_json'

const BASE_URL = `http://localhost:${process.env.PORT}`

/* A raw JSON text POSTed as is (the api client would serialize it again). */
async function postRaw(path: string, text: string, token: string) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method: 'POST',
    headers: { 'authorization': `Bearer ${token}`, 'content-type': 'application/json' },
    body: text,
  })
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`

async function fundedAccount(client: any, token: string) {
  const account = await client
    .post('/api/v1/accounts')
    .bearerToken(token)
    .json({ external_ref: `h-${randomUUID()}`, currency: 'EUR' })
  await client
    .post(`/api/v1/accounts/${account.body().id}/deposits`)
    .bearerToken(token)
    .json({ amount: '500.00' })
  return account.body().id as string
}

test.group('Hostile input | JSON nesting', () => {
  test('a body nested 10,000 deep is 400 E_BAD_REQUEST on {$self}')
    .with(['/api/v1/accounts', '/api/v1/payouts', '/webhooks/provider'])
    .run(async ({ assert }, path) => {
      const { token } = await tokenFor(['*'])
      for (const body of [deep(10_000), deepObject(10_000)]) {
        const response = await postRaw(path, body, token)
        assert.equal(response.status, 400)
        assertErrorBody(assert, response.body, 'E_BAD_REQUEST')
      }
    })

  test('32 levels are read; 33 are refused', async ({ assert }) => {
    assert.isTrue(parseJsonBody(deep(32)).ok)
    assert.deepEqual(parseJsonBody(deep(33)), { ok: false, reason: 'too_deep' })
    // Brackets inside strings are text, not nesting.
    assert.equal(jsonDepth(`{"a":"${'['.repeat(100)}\\"{"}`), 1)
  })
})

test.group('Hostile input | control characters', () => {
  test('a NUL in {$self} is 422 no_control_characters')
    .with(['external_ref', 'recipient_details', 'comment', 'currency', 'account_id'])
    .run(async ({ client, assert }, field) => {
      const { token } = await tokenFor(['*'])
      const accountId = await fundedAccount(client, token)
      const payout = {
        account_id: accountId,
        amount: '1.00',
        currency: 'EUR',
        recipient_details: 'IBAN',
        comment: 'c',
      }
      const isAccountField = field === 'external_ref'
      const response = isAccountField
        ? await client
            .post('/api/v1/accounts')
            .bearerToken(token)
            .json({ external_ref: 'a\u0000b', currency: 'EUR' })
        : await client
            .post('/api/v1/payouts')
            .bearerToken(token)
            .json({ ...payout, [field]: `${(payout as any)[field]}\u0000` })

      response.assertStatus(422)
      const [entry] = assertErrorBody(assert, response.body(), 'E_VALIDATION_ERROR')
      assert.equal(entry.field, field)
      assert.equal(entry.rule, 'no_control_characters')
    })

  test('free text keeps tab and new line; other control characters are refused', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await fundedAccount(client, token)
    const send = (comment: string) =>
      client.post('/api/v1/payouts').bearerToken(token).json({
        account_id: accountId,
        amount: '1.00',
        currency: 'EUR',
        recipient_details: 'IBAN',
        comment,
      })

    ;(await send('line one\n\tline two\r\n')).assertStatus(201)
    for (const bad of ['\u0007', '\u001b[31m', '\u007f', '\u0085']) {
      const response = await send(`x${bad}`)
      response.assertStatus(422)
      assert.equal(response.body().errors[0].rule, 'no_control_characters')
    }
  })

  test('a NUL in a query string or the webhook body is a 4xx', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const listed = await client.get('/api/v1/payouts?account_id=%00').bearerToken(token)
    listed.assertStatus(422)
    const letters = await client.get('/api/v1/dead-letters?error_code=%00').bearerToken(token)
    letters.assertStatus(422)
    assert.equal(letters.body().errors[0].rule, 'no_control_characters')
  })

  test('dashboard forms refuse them too (NUL in a search and in a new user)', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const search = await client.get('/accounts?q=%00').loginAs(admin)
    assert.isBelow(search.status(), 500)
    const created = await client
      .post('/users')
      .loginAs(admin)
      .withCsrfToken()
      .form({
        email: 'nul@example.test',
        fullName: 'a\u0000b',
        role: 'viewer',
        password: 'a-long-password-1',
      })
      .redirects(0)
    created.assertStatus(302)
    assert.property(created.flashMessages().inputErrorsBag, 'fullName')
    assert.lengthOf(await db.from('users').where('email', 'nul@example.test'), 0)
  })
})

test.group('Hostile input | cursors bound to their list and filters', () => {
  test('a cursor is refused on another list and under other filters', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await fundedAccount(client, token)
    for (let i = 0; i < 3; i++) {
      await client.post('/api/v1/payouts').bearerToken(token).json({
        account_id: accountId,
        amount: '1.00',
        currency: 'EUR',
        recipient_details: 'x',
      })
    }
    const first = await client.get('/api/v1/payouts?limit=1&status=NEW').bearerToken(token)
    const cursor = encodeURIComponent(first.body().meta.next_cursor)

    const same = await client
      .get(`/api/v1/payouts?limit=1&status=NEW&cursor=${cursor}`)
      .bearerToken(token)
    same.assertStatus(200)
    const otherFilter = await client
      .get(`/api/v1/payouts?limit=1&status=CANCELED&cursor=${cursor}`)
      .bearerToken(token)
    const noFilter = await client.get(`/api/v1/payouts?limit=1&cursor=${cursor}`).bearerToken(token)
    const otherList = await client
      .get(`/api/v1/accounts/${accountId}/transactions?cursor=${cursor}`)
      .bearerToken(token)
    for (const response of [otherFilter, noFilter, otherList]) {
      response.assertStatus(422)
      assert.equal(
        assertErrorBody(assert, response.body(), 'E_VALIDATION_ERROR')[0].field,
        'cursor'
      )
    }
  })
})

test.group('Hostile input | instants and numbers', () => {
  test('an instant outside years 0001-9999 is 422: {$self}')
    .with(['9999-12-31T23:59:59-23:59', '0000-12-31T23:59:59Z', '0001-01-01T00:00:00+01:00'])
    .run(async ({ client, assert }, at) => {
      const { token } = await tokenFor(['*'])
      const accountId = await fundedAccount(client, token)
      const response = await client
        .get(`/api/v1/accounts/${accountId}/balance?at=${encodeURIComponent(at)}`)
        .bearerToken(token)
      response.assertStatus(422)
      assert.equal(assertErrorBody(assert, response.body())[0].field, 'at')
      const listed = await client
        .get(`/api/v1/payouts?created_from=${encodeURIComponent(at)}`)
        .bearerToken(token)
      listed.assertStatus(422)
    })

  test('the edges of the range are accepted', async ({ client }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await fundedAccount(client, token)
    for (const at of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
      const response = await client
        .get(`/api/v1/accounts/${accountId}/balance?at=${encodeURIComponent(at)}`)
        .bearerToken(token)
      response.assertStatus(200)
    }
  })

  test('the JSON number 1.0000000000000001 is read as written: 422, not 1.00', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const accountId = await fundedAccount(client, token)
    const send = (amount: string) =>
      postRaw(
        '/api/v1/payouts',
        `{"account_id":"${accountId}","amount":${amount},"currency":"EUR","recipient_details":"x"}`,
        token
      )

    const inexact = await send('1.0000000000000001')
    assert.equal(inexact.status, 422)
    assert.equal(assertErrorBody(assert, inexact.body)[0].field, 'amount')
    const huge = await send('12345678901234567890123')
    assert.equal(huge.status, 422)

    const exact = await send('1.50')
    assert.equal(exact.status, 201)
    assert.equal(exact.body.amount, '1.50')
  })
})
