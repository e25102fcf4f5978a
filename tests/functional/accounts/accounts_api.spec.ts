import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { tokenFor, truncate } from '#tests/helpers'

const ref = () => `cust-${randomUUID()}`

test.group('Accounts API', (group) => {
  group.each.setup(() => truncate('transactions', 'accounts', 'outbox_messages'))

  test('creates an account and reads it back', async ({ client, assert }) => {
    const { token } = await tokenFor(['accounts:read', 'accounts:write'])
    const externalRef = ref()
    const created = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: externalRef, currency: 'EUR' })
    created.assertStatus(201)
    const body = created.body()
    assert.containsSubset(body, { external_ref: externalRef, currency: 'EUR', balance: '0.00' })
    assert.match(body.id, /^[0-9a-f-]{36}$/)
    assert.match(body.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    assert.sameMembers(Object.keys(body), [
      'id',
      'external_ref',
      'currency',
      'balance',
      'created_at',
      'updated_at',
    ])

    const shown = await client.get(`/api/v1/accounts/${body.id}`).bearerToken(token)
    shown.assertStatus(200)
    assert.deepEqual(shown.body(), body)
  })

  test('refuses a second account with the same external_ref and currency', async ({ client }) => {
    const { token } = await tokenFor(['accounts:write'])
    const externalRef = ref()
    await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: externalRef, currency: 'EUR' })
    const again = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: externalRef, currency: 'EUR' })
    again.assertStatus(409)
    again.assertBodyContains({ errors: [{ code: 'E_ACCOUNT_EXISTS' }] })
    const otherCurrency = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: externalRef, currency: 'USD' })
    otherCurrency.assertStatus(201)
  })

  test('validates the body: one error entry per field', async ({ client, assert }) => {
    const { token } = await tokenFor(['accounts:write'])
    const response = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: '', currency: 'EURO' })
    response.assertStatus(422)
    const fields = response.body().errors.map((e: { field: string; code: string }) => {
      assert.equal(e.code, 'E_VALIDATION_ERROR')
      return e.field
    })
    assert.sameMembers(fields, ['external_ref', 'currency'])

    const unknownCurrency = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: ref(), currency: 'XYZ' })
    unknownCurrency.assertStatus(422)
    unknownCurrency.assertBodyContains({ errors: [{ field: 'currency' }] })
  })

  test('unknown or malformed ids are 404; abilities are checked first', async ({ client }) => {
    const { token } = await tokenFor(['accounts:read'])
    ;(await client.get(`/api/v1/accounts/${randomUUID()}`).bearerToken(token)).assertStatus(404)
    ;(await client.get('/api/v1/accounts/not-a-uuid').bearerToken(token)).assertStatus(404)
    ;(await client.get(`/api/v1/transactions/${randomUUID()}`).bearerToken(token)).assertStatus(404)

    const { token: payoutsOnly } = await tokenFor(['payouts:read'])
    const forbidden = await client.get(`/api/v1/accounts/${randomUUID()}`).bearerToken(payoutsOnly)
    forbidden.assertStatus(403)
    forbidden.assertBodyContains({ errors: [{ code: 'E_FORBIDDEN' }] })
    const readOnly = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: ref(), currency: 'EUR' })
    readOnly.assertStatus(403)
  })
})

test.group('Deposits and transactions', (group) => {
  group.each.setup(() => truncate('transactions', 'accounts', 'outbox_messages'))

  async function account(client: any, token: string, currency = 'EUR') {
    const response = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: ref(), currency })
    return response.body() as { id: string }
  }

  test('a deposit credits amount minus the 2 % fee and records both', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['accounts:read', 'accounts:write'])
    const { id } = await account(client, token)
    const deposit = await client
      .post(`/api/v1/accounts/${id}/deposits`)
      .bearerToken(token)
      .json({ amount: '100.00', reference: 'wire-1' })
    deposit.assertStatus(201)
    const tx = deposit.body()
    assert.containsSubset(tx, {
      account_id: id,
      type: 'deposit',
      amount: '98.00',
      fee: '2.00',
      balance_after: '98.00',
      reference: 'wire-1',
      payout_id: null,
      order_id: null,
    })
    assert.sameMembers(Object.keys(tx), [
      'id',
      'account_id',
      'type',
      'amount',
      'fee',
      'balance_after',
      'reference',
      'payout_id',
      'order_id',
      'created_at',
    ])
    const shown = await client.get(`/api/v1/transactions/${tx.id}`).bearerToken(token)
    assert.deepEqual(shown.body(), tx)
    const acc = await client.get(`/api/v1/accounts/${id}`).bearerToken(token)
    assert.equal(acc.body().balance, '98.00')
  })

  test('JSON numbers are taken as their decimal text; JPY has no decimals', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const eur = await account(client, token)
    const number = await client
      .post(`/api/v1/accounts/${eur.id}/deposits`)
      .bearerToken(token)
      .json({ amount: 10.5 })
    number.assertStatus(201)
    assert.equal(number.body().amount, '10.29') // 10.50 − 0.21 (0.21 fee: 2 % of 10.50)
    assert.equal(number.body().fee, '0.21')

    const jpy = await account(client, token, 'JPY')
    const yen = await client
      .post(`/api/v1/accounts/${jpy.id}/deposits`)
      .bearerToken(token)
      .json({ amount: '1000' })
    yen.assertStatus(201)
    assert.containsSubset(yen.body(), { amount: '980', fee: '20', balance_after: '980' })
    const fraction = await client
      .post(`/api/v1/accounts/${jpy.id}/deposits`)
      .bearerToken(token)
      .json({ amount: '10.5' })
    fraction.assertStatus(422)
    fraction.assertBodyContains({ errors: [{ code: 'E_VALIDATION_ERROR', field: 'amount' }] })
  })

  test('bad amounts are 422 and change nothing', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const { id } = await account(client, token)
    for (const amount of ['0', '-5.00', 'ten', '1.001', '1e3', null, true, '99999999999999.00']) {
      const response = await client
        .post(`/api/v1/accounts/${id}/deposits`)
        .bearerToken(token)
        .json({ amount })
      response.assertStatus(422)
      assert.equal(response.body().errors[0].field, 'amount', String(amount))
    }
    const acc = await client.get(`/api/v1/accounts/${id}`).bearerToken(token)
    assert.equal(acc.body().balance, '0.00')
    const list = await client.get(`/api/v1/accounts/${id}/transactions`).bearerToken(token)
    assert.lengthOf(list.body().data, 0)
  })

  test('transactions are listed newest first with a cursor; a tampered cursor is refused', async ({
    client,
    assert,
  }) => {
    const { token } = await tokenFor(['*'])
    const { id } = await account(client, token)
    for (let i = 1; i <= 5; i++) {
      await client
        .post(`/api/v1/accounts/${id}/deposits`)
        .bearerToken(token)
        .json({ amount: `${i}.00`, reference: `r${i}` })
    }
    const first = await client.get(`/api/v1/accounts/${id}/transactions?limit=2`).bearerToken(token)
    first.assertStatus(200)
    assert.deepEqual(
      first.body().data.map((t: { reference: string }) => t.reference),
      ['r5', 'r4']
    )
    const cursor = first.body().meta.next_cursor
    assert.isString(cursor)
    const second = await client
      .get(`/api/v1/accounts/${id}/transactions?limit=2&cursor=${encodeURIComponent(cursor)}`)
      .bearerToken(token)
    assert.deepEqual(
      second.body().data.map((t: { reference: string }) => t.reference),
      ['r3', 'r2']
    )
    const third = await client
      .get(
        `/api/v1/accounts/${id}/transactions?limit=2&cursor=${encodeURIComponent(second.body().meta.next_cursor)}`
      )
      .bearerToken(token)
    assert.deepEqual(
      third.body().data.map((t: { reference: string }) => t.reference),
      ['r1']
    )
    assert.isNull(third.body().meta.next_cursor)

    const tampered = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA')
    const refused = await client
      .get(`/api/v1/accounts/${id}/transactions?cursor=${encodeURIComponent(tampered)}`)
      .bearerToken(token)
    refused.assertStatus(422)
    refused.assertBodyContains({ errors: [{ field: 'cursor' }] })
    ;(
      await client.get(`/api/v1/accounts/${id}/transactions?limit=0`).bearerToken(token)
    ).assertStatus(422)
    ;(
      await client.get(`/api/v1/accounts/${id}/transactions?limit=101`).bearerToken(token)
    ).assertStatus(422)
  })
})
