import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { tokenFor, truncate } from '#tests/helpers'

test.group('Balance at an instant', (group) => {
  group.each.setup(() => truncate('transactions', 'accounts', 'outbox_messages'))

  test('is exact before, at, between and after entries', async ({ client, assert }) => {
    const { token } = await tokenFor(['*'])
    const account = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
    const id = account.body().id
    const before = new Date(Date.now() - 1000).toISOString()

    const stamps: string[] = []
    for (const amount of ['100.00', '50.00', '25.00']) {
      await sleep(15)
      const deposit = await client
        .post(`/api/v1/accounts/${id}/deposits`)
        .bearerToken(token)
        .json({ amount })
      stamps.push(deposit.body().created_at)
    }
    const balanceAt = async (at?: string) => {
      const url = `/api/v1/accounts/${id}/balance${at ? `?at=${encodeURIComponent(at)}` : ''}`
      const response = await client.get(url).bearerToken(token)
      response.assertStatus(200)
      return response.body()
    }
    const between = (a: string, b: string) =>
      new Date((Date.parse(a) + Date.parse(b)) / 2).toISOString()
    const justBefore = (a: string) => new Date(Date.parse(a) - 1).toISOString()

    assert.deepEqual(await balanceAt(before), {
      account_id: id,
      currency: 'EUR',
      balance: '0.00',
      at: before,
    })
    assert.equal((await balanceAt(justBefore(stamps[0]))).balance, '0.00')
    assert.equal((await balanceAt(stamps[0])).balance, '98.00')
    assert.equal((await balanceAt(between(stamps[0], stamps[1]))).balance, '98.00')
    assert.equal((await balanceAt(stamps[1])).balance, '147.00')
    assert.equal((await balanceAt(between(stamps[1], stamps[2]))).balance, '147.00')
    assert.equal((await balanceAt(stamps[2])).balance, '171.50')
    assert.equal((await balanceAt('2999-01-01T00:00:00Z')).balance, '171.50')
    assert.equal((await balanceAt()).balance, '171.50')
    // Offsets other than Z name the same instant.
    const offset = new Date(Date.parse(stamps[1])).toISOString().replace('Z', '+00:00')
    assert.equal((await balanceAt(offset)).balance, '147.00')
  })

  test('a malformed instant is a 422', async ({ client }) => {
    const { token } = await tokenFor(['accounts:read', 'accounts:write'])
    const account = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
    for (const at of ['yesterday', '2026-13-01T00:00:00Z', '2026-02-30', '1700000000']) {
      const response = await client
        .get(`/api/v1/accounts/${account.body().id}/balance?at=${encodeURIComponent(at)}`)
        .bearerToken(token)
      response.assertStatus(422)
      response.assertBodyContains({ errors: [{ code: 'E_VALIDATION_ERROR', field: 'at' }] })
    }
  })
})
