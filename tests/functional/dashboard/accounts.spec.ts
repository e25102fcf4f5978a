import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import LedgerEntry from '#models/ledger_entry'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { truncateMoney } from '#tests/support/dashboard'

function fieldErrors(response: { flashMessages(): Record<string, any> }): Record<string, string[]> {
  return response.flashMessages().inputErrorsBag ?? {}
}

/* Rows of a rendered table, by their data-id, in page order. */
function idsIn(html: string) {
  return [...html.matchAll(/<tr data-id="([0-9a-f-]{36})"/g)].map((match) => match[1])
}

test.group('Dashboard: accounts', (group) => {
  group.each.setup(() => truncateMoney())

  test('the pages and the deposit form need a session', async ({ client }) => {
    const account = await AccountFactory.create()
    for (const path of ['/accounts', `/accounts/${account.id}`]) {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', '/login')
    }
    const post = await client
      .post(`/accounts/${account.id}/deposits`)
      .withCsrfToken()
      .form({ amount: '10.00' })
      .redirects(0)
    post.assertStatus(302)
    post.assertHeader('location', '/login')
  })

  test('search matches the start of the external reference ignoring case, or the id', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const acme = await AccountFactory.merge({ externalRef: 'ACME-Corp' }).create()
    const acmeUsd = await AccountFactory.merge({
      externalRef: 'acme-corp',
      currency: 'USD',
    }).create()
    const notPrefix = await AccountFactory.merge({ externalRef: 'the-acme' }).create()
    const wildcard = await AccountFactory.merge({ externalRef: '50%_off' }).create()
    const other = await AccountFactory.merge({ externalRef: '500-off' }).create()

    const byPrefix = await client.get('/accounts?q=acme').loginAs(viewer)
    byPrefix.assertStatus(200)
    assert.sameMembers(idsIn(byPrefix.text()), [acme.id, acmeUsd.id])

    const byId = await client.get(`/accounts?q=${notPrefix.id.toUpperCase()}`).loginAs(viewer)
    assert.deepEqual(idsIn(byId.text()), [notPrefix.id])

    // % and _ are literal characters, not wildcards.
    const literal = await client.get(`/accounts?q=${encodeURIComponent('50%_')}`).loginAs(viewer)
    assert.deepEqual(idsIn(literal.text()), [wildcard.id])
    assert.notInclude(literal.text(), other.id)

    const all = await client.get('/accounts?q=').loginAs(viewer)
    assert.lengthOf(idsIn(all.text()), 5)

    const none = await client.get('/accounts?q=zzz').loginAs(viewer)
    assert.lengthOf(idsIn(none.text()), 0)
    none.assertTextIncludes('No account matches')
  })

  test('the list pages with the cursor, newest first, without repeating a row', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const created: string[] = []
    for (let index = 0; index < 30; index++) {
      created.push((await AccountFactory.merge({ externalRef: `page-${index}` }).create()).id)
    }

    const first = await client.get('/accounts').loginAs(viewer)
    const firstIds = idsIn(first.text())
    assert.lengthOf(firstIds, 25)
    const next = /href="(\/accounts\?cursor=[^"]+)" rel="next"/.exec(first.text())?.[1]
    assert.isString(next)

    const second = await client.get(next!.replaceAll('&amp;', '&')).loginAs(viewer)
    const secondIds = idsIn(second.text())
    assert.lengthOf(secondIds, 5)
    assert.notInclude(second.text(), 'rel="next"')
    assert.deepEqual([...firstIds, ...secondIds], created.reverse())
  })

  test('the account page shows the balance and every transaction with its actor', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({ externalRef: 'shown-account' })
      .apply('funded')
      .create()

    const response = await client.get(`/accounts/${account.id}`).loginAs(viewer)
    response.assertStatus(200)
    const html = response.text()
    assert.match(html, /data-testid="current-balance"><span class="money">490\.00<\/span>/)
    assert.include(html, 'data-type="deposit"')
    assert.include(html, '+490.00')
    assert.include(html, '>10.00<') // the fee
    assert.include(html, 'data-actor="test"')
    assert.include(html, 'UTC')
  })

  test('a viewer sees no deposit form and gets 403 when posting one', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({ balance: 9_800n }).create()

    const page = await client.get(`/accounts/${account.id}`).loginAs(viewer)
    assert.notInclude(page.text(), 'data-testid="deposit-form"')

    const response = await client
      .post(`/accounts/${account.id}/deposits`)
      .loginAs(viewer)
      .withCsrfToken()
      .form({ amount: '100.00', reference: 'by a viewer' })
      .redirects(0)
    response.assertStatus(403)
    await account.refresh()
    assert.equal(account.balance, 9_800n)
    assert.lengthOf(await LedgerEntry.query().where('account_id', account.id), 1)
  })

  test('an operator posts a deposit: balance credited, operator recorded as actor', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.merge({ balance: 9_800n }).create() // 98.00

    const response = await client
      .post(`/accounts/${account.id}/deposits`)
      .loginAs(operator)
      .withCsrfToken()
      .form({ amount: '250.00', reference: 'wire 2026-114' })
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', `/accounts/${account.id}`)
    response.assertFlashMessage(
      'success',
      'Deposit of 250.00 EUR posted: 245.00 EUR credited after a 5.00 EUR fee. New balance 343.00 EUR.'
    )
    await account.refresh()
    assert.equal(account.balance, 34_300n)
    const entry = await LedgerEntry.query()
      .where('account_id', account.id)
      .where('reference', 'wire 2026-114')
      .firstOrFail()
    assert.equal(entry.type, 'deposit')
    assert.equal(entry.amount, 24_500n)
    assert.equal(entry.fee, 500n)
    assert.equal(entry.actor, `user:${operator.id}`)

    const page = await client.get(`/accounts/${account.id}`).loginAs(operator)
    page.assertTextIncludes(operator.email)
    page.assertTextIncludes('wire 2026-114')
  })

  test('a bad amount comes back as a field error and nothing is written', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.merge({ currency: 'JPY' }).create()

    for (const amount of ['', 'ten', '10.5', '-3', '0']) {
      const response = await client
        .post(`/accounts/${account.id}/deposits`)
        .loginAs(operator)
        .withCsrfToken()
        .header('referer', `/accounts/${account.id}`)
        .form({ amount, reference: 'kept' })
        .redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', `/accounts/${account.id}`)
      assert.deepEqual(Object.keys(fieldErrors(response)), ['amount'], amount)
      assert.equal(response.flashMessages().reference, 'kept')
    }
    assert.lengthOf(await LedgerEntry.query().where('account_id', account.id), 0)

    const page = await client
      .get(`/accounts/${account.id}`)
      .loginAs(operator)
      .withFlashMessages({
        inputErrorsBag: { amount: ['The amount has more decimals than the currency allows'] },
        amount: '10.5',
      })
    page.assertTextIncludes('id="amount-error"')
    page.assertTextIncludes('The amount has more decimals than the currency allows')
    page.assertTextIncludes('value="10.5"')
  })

  test('the picker shows the balance at an instant read as UTC', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({ balance: 9_800n }).create() // +98.00
    const otherAccount = await AccountFactory.merge({ balance: 19_600n }).create()
    await db
      .from('transactions')
      .where('account_id', account.id)
      .update({ created_at: '2026-01-10T10:00:00Z' })
    // A second deposit ten days later, written by the real action then moved in time.
    const operator = await UserFactory.apply('operator').create()
    await client
      .post(`/accounts/${account.id}/deposits`)
      .loginAs(operator)
      .withCsrfToken()
      .form({ amount: '50.00', reference: 'later' })
    await db
      .from('transactions')
      .where('account_id', account.id)
      .where('reference', 'later')
      .update({ created_at: '2026-01-20T10:00:00Z' })

    const balanceAt = async (at: string) => {
      const response = await client
        .get(`/accounts/${account.id}?at=${encodeURIComponent(at)}`)
        .loginAs(viewer)
      response.assertStatus(200)
      return /data-testid="balance-at">[\s\S]*?<strong class="money">([^<]+)<\/strong>/.exec(
        response.text()
      )?.[1]
    }

    assert.equal(await balanceAt('2026-01-10T09:59:59'), '0.00 EUR')
    assert.equal(await balanceAt('2026-01-10T10:00'), '98.00 EUR')
    assert.equal(await balanceAt('2026-01-20T09:59:59'), '98.00 EUR')
    assert.equal(await balanceAt('2026-01-20T10:00:00'), '147.00 EUR')
    // No zone means UTC: 10:30 in Paris (UTC+1) is 09:30 UTC, before the first deposit.
    assert.equal(await balanceAt('2026-01-10T10:30:00+01:00'), '0.00 EUR')

    const page = await client.get(`/accounts/${account.id}?at=2026-01-15T12:00`).loginAs(viewer)
    page.assertTextIncludes('value="2026-01-15T12:00"')
    page.assertTextIncludes('UTC')
    assert.notInclude(page.text(), otherAccount.id)

    const invalid = await client.get(`/accounts/${account.id}?at=2026-02-30T10:00`).loginAs(viewer)
    invalid.assertStatus(200)
    invalid.assertTextIncludes('id="at-error"')
    assert.notInclude(invalid.text(), 'data-testid="balance-at"')
  })

  test('an unknown or malformed account id is the 404 page', async ({ client }) => {
    const viewer = await UserFactory.apply('viewer').create()
    for (const path of [`/accounts/${randomUUID()}`, '/accounts/not-an-id']) {
      const response = await client.get(path).loginAs(viewer)
      response.assertStatus(404)
      response.assertTextIncludes('Page not found')
    }
  })
})
