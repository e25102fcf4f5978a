import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import Payout from '#models/payout'
import PayoutEvent from '#models/payout_event'
import LedgerEntry from '#models/ledger_entry'
import { ExportPayouts, EXPORT_COLUMNS } from '#queries/payouts/export_payouts'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { insertPayouts, parseCsv, truncateMoney } from '#tests/support/dashboard'

/* Payout rows of a rendered list, by their data-id, in page order. */
function idsIn(html: string) {
  return [...html.matchAll(/<tr data-id="([0-9a-f-]{36})" data-status/g)].map((match) => match[1])
}

/* The count on a status tab ("ALL" for the All tab). */
function tabCount(html: string, status: string) {
  const match = new RegExp(
    `data-status="${status}"[^>]*>[\\s\\S]*?class="tab-count">([\\d,]+)<`
  ).exec(html)
  return match ? Number(match[1].replaceAll(',', '')) : null
}

function nextLink(html: string) {
  return /href="([^"]+)" rel="next"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
}

async function streamText(stream: NodeJS.ReadableStream) {
  let text = ''
  for await (const chunk of stream) text += chunk.toString()
  return text
}

test.group('Dashboard: payouts', (group) => {
  group.each.setup(() => truncateMoney())

  test('the pages and the cancel form need a session', async ({ client }) => {
    const account = await AccountFactory.apply('funded').create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()
    for (const path of ['/payouts', '/payouts/export', `/payouts/${payout.id}`]) {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', '/login')
    }
    const cancel = await client.post(`/payouts/${payout.id}/cancel`).withCsrfToken().redirects(0)
    cancel.assertStatus(302)
    cancel.assertHeader('location', '/login')
  })

  test('status tabs count per status; a tab lists only its status', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.create()
    await insertPayouts(account, 23) // statuses in turn: 5 NEW… (g % 5)

    const all = await client.get('/payouts').loginAs(viewer)
    all.assertStatus(200)
    const counts = await db.from('payouts').select('status').count('* as total').groupBy('status')
    assert.equal(tabCount(all.text(), 'ALL'), 23)
    for (const row of counts) {
      assert.equal(tabCount(all.text(), row.status), Number(row.total), row.status)
    }

    const failed = await client.get('/payouts?status=FAILED').loginAs(viewer)
    const ids = idsIn(failed.text())
    const expected = await Payout.query().where('status', 'FAILED')
    assert.sameMembers(
      ids,
      expected.map((payout) => payout.id)
    )
  })

  test('keyset pages: 25 a page, newest first, every row once', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.create()
    await insertPayouts(account, 60, { sameInstant: 4 })
    const expected = (await Payout.query().orderBy('created_at', 'desc').orderBy('id', 'desc')).map(
      (payout) => payout.id
    )

    const seen: string[] = []
    let url: string | undefined = '/payouts'
    let pages = 0
    while (url) {
      const response = await client.get(url).loginAs(viewer)
      response.assertStatus(200)
      seen.push(...idsIn(response.text()))
      url = nextLink(response.text())
      pages++
    }
    assert.equal(pages, 3)
    assert.deepEqual(seen, expected)
  })

  test('search: exact payout or account id, else recipient or comment substring', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const first = await AccountFactory.merge({ balance: 98_000n }).create()
    const second = await AccountFactory.merge({ balance: 98_000n }).create()
    const alice = await PayoutFactory.merge({
      accountId: first.id,
      recipientDetails: 'IBAN FR76 Alice Martin',
    }).create()
    const bob = await PayoutFactory.merge({
      accountId: first.id,
      recipientDetails: 'Bob',
      comment: 'Invoice 100% paid',
    }).create()
    const carol = await PayoutFactory.merge({
      accountId: second.id,
      recipientDetails: 'Carol',
      comment: 'invoice 7',
    }).create()

    const search = async (q: string, extra = '') => {
      const response = await client
        .get(`/payouts?q=${encodeURIComponent(q)}${extra}`)
        .loginAs(viewer)
      response.assertStatus(200)
      return idsIn(response.text())
    }

    assert.deepEqual(await search(alice.id.toUpperCase()), [alice.id])
    assert.sameMembers(await search(second.id), [carol.id])
    assert.deepEqual(await search('alice MART'), [alice.id])
    assert.sameMembers(await search('INVOICE'), [bob.id, carol.id])
    assert.deepEqual(await search('100%'), [bob.id])
    assert.deepEqual(await search('%'), [bob.id])
    assert.deepEqual(await search(randomUUID()), [])
    // Search combines with the filters and the status tab.
    assert.deepEqual(await search('invoice', `&account_id=${second.id}`), [carol.id])
    assert.deepEqual(await search('invoice', '&status=CANCELED'), [])
  })

  test('filters by account and creation time (UTC); bad filters are shown, not applied', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.create()
    const other = await AccountFactory.create()
    await insertPayouts(account, 10, { startAt: new Date('2026-03-01T00:00:00Z') })
    await insertPayouts(other, 5, { startAt: new Date('2026-03-01T00:00:00Z') })

    const byAccount = await client.get(`/payouts?account_id=${other.id}`).loginAs(viewer)
    assert.lengthOf(idsIn(byAccount.text()), 5)
    assert.equal(tabCount(byAccount.text(), 'ALL'), 5)

    // Rows n = 1…10 are created at 00:00:n; from 00:00:03 to 00:00:06 inclusive → 4 rows.
    const window = await client
      .get(
        `/payouts?account_id=${account.id}&created_from=2026-03-01T00:00:03&created_to=2026-03-01T00:00:06`
      )
      .loginAs(viewer)
    assert.lengthOf(idsIn(window.text()), 4)
    window.assertTextIncludes('value="2026-03-01T00:00:03"')
    window.assertTextIncludes(`/payouts/export?account_id=${account.id}&amp;created_from=`)

    const invalid = await client
      .get('/payouts?account_id=12345&created_from=yesterday')
      .loginAs(viewer)
    invalid.assertStatus(200)
    invalid.assertTextIncludes('id="account_id-error"')
    invalid.assertTextIncludes('id="created_from-error"')
    assert.lengthOf(idsIn(invalid.text()), 0)
  })

  test('CSV export streams every matching row, across several batches', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.create()
    const other = await AccountFactory.create()
    // 2 500 rows (three batches of 1 000), ten per instant to exercise the tie-breaker.
    await insertPayouts(account, 2_500, { sameInstant: 10 })
    await insertPayouts(other, 7)

    const response = await client.get(`/payouts/export?account_id=${account.id}`).loginAs(viewer)
    response.assertStatus(200)
    assert.match(response.header('content-type') ?? '', /^text\/csv/)
    assert.match(
      response.header('content-disposition') ?? '',
      /^attachment; filename="payouts-all-\d{8}-\d{6}\.csv"$/
    )
    const [header, ...rows] = parseCsv(response.text())
    assert.deepEqual(header, [...EXPORT_COLUMNS])
    assert.lengthOf(rows, 2_500)
    const ids = rows.map((row) => row[0])
    assert.equal(new Set(ids).size, 2_500)
    const expected = await db
      .from('payouts')
      .where('account_id', account.id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .select('id')
    assert.deepEqual(
      ids,
      expected.map((row) => row.id)
    )
    const amount = header.indexOf('amount')
    const recipient = header.indexOf('recipient_details')
    const sample = rows.find((row) => row[recipient] === 'bulk recipient 42')!
    assert.equal(sample[amount], '10.42')
    assert.equal(sample[header.indexOf('fee')], '0.20')
    assert.match(sample[header.indexOf('created_at')], /^2026-01-01T00:00:04\.000Z$/)

    const failed = await client
      .get(`/payouts/export?status=FAILED&q=${encodeURIComponent('recipient 1')}`)
      .loginAs(viewer)
    const [, ...failedRows] = parseCsv(failed.text())
    const status = header.indexOf('status')
    assert.isAbove(failedRows.length, 0)
    assert.isTrue(failedRows.every((row) => row[status] === 'FAILED'))
    assert.isTrue(failedRows.every((row) => row[recipient].includes('recipient 1')))
    const failedCount = await db
      .from('payouts')
      .where('status', 'FAILED')
      .whereILike('recipient_details', '%recipient 1%')
      .count('* as total')
      .first()
    assert.lengthOf(failedRows, Number(failedCount.total))
    assert.match(failed.header('content-disposition') ?? '', /payouts-failed-/)
  })

  test('the export keyset loop neither skips nor repeats a row at any batch size', async ({
    assert,
  }) => {
    const account = await AccountFactory.create()
    await insertPayouts(account, 103, { sameInstant: 6 })
    const expected = (
      await db.from('payouts').orderBy('created_at', 'desc').orderBy('id', 'desc').select('id')
    ).map((row) => row.id)

    for (const batchSize of [1, 7, 103, 500]) {
      const text = await streamText(new ExportPayouts().handle({}, { batchSize }))
      const [, ...rows] = parseCsv(text)
      assert.deepEqual(
        rows.map((row) => row[0]),
        expected,
        `batch size ${batchSize}`
      )
    }
  })

  test('spreadsheet formulas in free text are escaped in the export', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({ balance: 98_000n }).create()
    await PayoutFactory.merge({
      accountId: account.id,
      recipientDetails: '=HYPERLINK("http://evil")',
      comment: 'a, "b"',
    }).create()

    const response = await client.get('/payouts/export').loginAs(viewer)
    const [header, row] = parseCsv(response.text())
    assert.equal(row[header.indexOf('recipient_details')], `'=HYPERLINK("http://evil")`)
    assert.equal(row[header.indexOf('comment')], 'a, "b"')
  })

  test('the payout page shows the timeline, ledger entries and account link', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({
      externalRef: 'timeline-acct',
      balance: 98_000n,
    }).create()
    const payout = await PayoutFactory.merge({
      accountId: account.id,
      amount: 12_345n,
      comment: 'march rent',
    }).create()

    const response = await client.get(`/payouts/${payout.id}`).loginAs(viewer)
    response.assertStatus(200)
    const html = response.text()
    assert.include(html, payout.id)
    assert.include(html, '123.45')
    assert.include(html, '2.47') // fee
    assert.include(html, 'march rent')
    assert.include(html, `href="/accounts/${account.id}"`)
    assert.include(html, 'timeline-acct')
    assert.include(html, 'data-type="created"')
    assert.include(html, 'data-type="payout_hold"')
    assert.include(html, '-125.92')
    // A viewer sees no cancel button.
    assert.notInclude(html, `/payouts/${payout.id}/cancel`)

    const asOperator = await client
      .get(`/payouts/${payout.id}`)
      .loginAs(await UserFactory.apply('operator').create())
    asOperator.assertTextIncludes(`/payouts/${payout.id}/cancel`)
    asOperator.assertTextIncludes('data-confirm="Cancel payout')
  })

  test('a payout the provider accepted shows since when it awaits the provider', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.merge({ balance: 98_000n }).create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()
    const page = async () => (await client.get(`/payouts/${payout.id}`).loginAs(viewer)).text()
    assert.notInclude(await page(), 'data-testid="awaiting-provider"')

    await db.rawQuery(
      `UPDATE payouts SET status = 'PROCESSING', attempts = 1,
              awaiting_provider_since = '2026-01-02T03:04:05Z', provider_reference = 'prv_42'
        WHERE id = ?`,
      [payout.id]
    )
    const html = await page()
    assert.include(html, 'data-testid="awaiting-provider"')
    assert.match(html, /Awaiting the provider since[\s\S]*2026-01-02/)
    assert.include(html, 'prv_42')
  })

  test('a viewer cannot cancel (403); the payout stays NEW', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()

    const response = await client
      .post(`/payouts/${payout.id}/cancel`)
      .loginAs(viewer)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(403)
    await payout.refresh()
    assert.equal(payout.status, 'NEW')
  })

  test('an operator cancels: CANCELED, hold released, operator on the timeline', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create() // 490.00
    const payout = await PayoutFactory.merge({ accountId: account.id, amount: 10_000n }).create() // holds 102.00

    const response = await client
      .post(`/payouts/${payout.id}/cancel`)
      .loginAs(operator)
      .withCsrfToken()
      .redirects(0)
    response.assertStatus(302)
    response.assertHeader('location', `/payouts/${payout.id}`)
    response.assertFlashMessage('success', 'Payout canceled; 102.00 EUR released to the account.')

    await payout.refresh()
    await account.refresh()
    assert.equal(payout.status, 'CANCELED')
    assert.equal(account.balance, 49_000n)
    const event = await PayoutEvent.query()
      .where('payout_id', payout.id)
      .where('to_status', 'CANCELED')
      .firstOrFail()
    assert.equal(event.actor, `user:${operator.id}`)
    const release = await LedgerEntry.query()
      .where('payout_id', payout.id)
      .where('type', 'payout_release')
      .firstOrFail()
    assert.equal(release.actor, `user:${operator.id}`)

    const page = await client.get(`/payouts/${payout.id}`).loginAs(operator)
    page.assertTextIncludes('data-payout-status="CANCELED"')
    page.assertTextIncludes(operator.email)
    assert.notInclude(page.text(), `/payouts/${payout.id}/cancel"`)

    // Canceling again is refused (409 in the API) and comes back as a flash error.
    const again = await client
      .post(`/payouts/${payout.id}/cancel`)
      .loginAs(operator)
      .withCsrfToken()
      .header('referer', `/payouts/${payout.id}`)
      .redirects(0)
    again.assertStatus(302)
    again.assertHeader('location', `/payouts/${payout.id}`)
    again.assertFlashMessage('error', 'A CANCELED payout cannot be canceled')
    await account.refresh()
    assert.equal(account.balance, 49_000n)
  })

  test('an unknown or malformed payout id is the 404 page', async ({ client }) => {
    const viewer = await UserFactory.apply('viewer').create()
    for (const path of [`/payouts/${randomUUID()}`, '/payouts/12345']) {
      const response = await client.get(path).loginAs(viewer)
      response.assertStatus(404)
      response.assertTextIncludes('Page not found')
    }
  })

  test('the overview counts payouts by status and links the ten newest', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.create()
    await insertPayouts(account, 14)

    const response = await client.get('/').loginAs(viewer)
    response.assertStatus(200)
    const html = response.text()
    const counts = await db.from('payouts').select('status').count('* as total').groupBy('status')
    for (const row of counts) {
      const shown = new RegExp(
        `data-testid="payouts-${row.status}"[\\s\\S]*?stat-value">(\\d+)<`
      ).exec(html)?.[1]
      assert.equal(Number(shown), Number(row.total), row.status)
    }
    const newest = await Payout.query()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(10)
    const linked = [...html.matchAll(/<a class="mono" href="\/payouts\/([0-9a-f-]{36})"/g)].map(
      (match) => match[1]
    )
    assert.deepEqual(
      linked,
      newest.map((payout) => payout.id)
    )
  })
})
