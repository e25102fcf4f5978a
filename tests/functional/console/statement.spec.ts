import { test } from '@japa/runner'
import { AccountFactory } from '#database/factories/account_factory'
import { truncateMoney, parseCsv } from '#tests/support/dashboard'
import { tokenFor } from '#tests/helpers'

test.group('Console: account statement', (group) => {
  group.each.setup(() => truncateMoney())

  test('opening + entries = closing = balance-at(to), on screen and in the CSV', async ({
    client,
    assert,
  }) => {
    const { user, token } = await tokenFor(['*'], 'operator')
    const account = await AccountFactory.apply('funded').create()
    const deposit = (amount: string) =>
      client.post(`/api/v1/accounts/${account.id}/deposits`).bearerToken(token).json({ amount })
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5))
    await pause()
    const from = new Date()
    await pause()
    ;(await deposit('100.00')).assertStatus(201)
    ;(await deposit('0.07')).assertStatus(201)
    const payout = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: account.id,
      amount: '33.33',
      currency: 'EUR',
      recipient_details: 'IBAN statement',
    })
    payout.assertStatus(201)
    await pause()
    const to = new Date()
    await pause()
    ;(await deposit('999.00')).assertStatus(201)

    const qs = `from=${from.toISOString()}&to=${to.toISOString()}`
    const balanceAt = await client
      .get(`/api/v1/accounts/${account.id}/balance?at=${to.toISOString()}`)
      .bearerToken(token)
    const page = await client.get(`/accounts/${account.id}/statement?${qs}`).loginAs(user)
    page.assertStatus(200)
    const html = page.text()
    const stat = (id: string) =>
      new RegExp(`data-testid="${id}"><span class="money">([-\\d.]+)<`).exec(html)?.[1]
    assert.equal(stat('opening-balance'), '490.00')
    assert.equal(stat('closing-balance'), balanceAt.body().balance)
    assert.notInclude(html, 'statement-mismatch')
    assert.equal(html.match(/<tr data-id=/g)?.length, 3)

    const csv = await client.get(`/accounts/${account.id}/statement.csv?${qs}`).loginAs(user)
    csv.assertStatus(200)
    const rows = parseCsv(csv.text())
    assert.deepEqual(rows[0].slice(0, 3), ['created_at', 'transaction_id', 'type'])
    assert.equal(rows[1][2], 'opening_balance')
    assert.equal(rows[1][5], '490.00')
    const last = rows[rows.length - 1]
    assert.equal(last[2], 'closing_balance')
    assert.equal(last[5], balanceAt.body().balance)
    const cents = (text: string) => BigInt(text.replace('.', ''))
    const entries = rows.slice(2, -1)
    assert.deepEqual(
      entries.map((row) => row[2]),
      ['deposit', 'deposit', 'payout_hold']
    )
    const net = entries.reduce((sum, row) => sum + cents(row[3]), 0n)
    assert.equal(cents('490.00') + net, cents(last[5]))

    const reversed = await client
      .get(
        `/accounts/${account.id}/statement.csv?from=${to.toISOString()}&to=${from.toISOString()}`
      )
      .loginAs(user)
      .redirects(0)
    // A form error on a dashboard GET goes back with the message: never a CSV, never a 500.
    reversed.assertStatus(302)
    const junk = await client.get(`/accounts/${account.id}/statement?from=junk`).loginAs(user)
    junk.assertStatus(200)
    junk.assertTextIncludes('Enter a date and time')
  })

  test('a page cursor past the instants PostgreSQL reads is refused by the form, not a 500', async ({
    client,
  }) => {
    const { user } = await tokenFor(['*'], 'operator')
    const account = await AccountFactory.apply('funded').create()
    const period = 'from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z'
    const page = await client
      .get(`/accounts/${account.id}/statement?${period}&after=999999999999999.1`)
      .loginAs(user)
    page.assertStatus(200)
  })
})
