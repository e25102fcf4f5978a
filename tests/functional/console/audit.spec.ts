import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { truncateMoney, parseCsv } from '#tests/support/dashboard'
import { tokenFor, truncate } from '#tests/helpers'

async function auditRows(targetId: string) {
  return db.from('audit_log').where('target_id', targetId).orderBy('id', 'asc')
}

test.group('Console: audit log', (group) => {
  group.each.setup(async () => {
    await truncateMoney()
    await truncate('audit_log')
  })

  test('an operator cancel is audited in its transaction, with name, via, IP and change', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()

    const cancel = await client
      .post(`/payouts/${payout.id}/cancel`)
      .header('x-request-id', 'req-audit-1')
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    cancel.assertStatus(302)

    const [row] = await auditRows(payout.id)
    assert.equal(row.action, 'payout.cancel')
    assert.equal(row.actor, `user:${operator.id}`)
    assert.equal(row.actor_email, operator.email)
    assert.equal(row.role, 'operator')
    assert.equal(row.via, 'dashboard')
    assert.equal(row.request_id, 'req-audit-1')
    assert.isString(row.ip)
    assert.deepEqual(row.changes, { status: { before: 'NEW', after: 'CANCELED' } })

    const page = await client.get(`/audit?target_id=${payout.id}`).loginAs(operator)
    page.assertStatus(200)
    page.assertTextIncludes('payout.cancel')
    page.assertTextIncludes(operator.email)

    // A refused cancel (no longer NEW) rolls back with its audit row.
    const again = await client
      .post(`/payouts/${payout.id}/cancel`)
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    assert.notEqual(again.status(), 500)
    assert.lengthOf(await auditRows(payout.id), 1)
  })

  test('API writes are audited via api with before/after of edited fields', async ({
    client,
    assert,
  }) => {
    const { user, token } = await tokenFor(['*'], 'operator')
    const account = await AccountFactory.apply('funded').create()
    const created = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: account.id,
      amount: '12.34',
      currency: account.currency,
      recipient_details: 'IBAN one',
    })
    created.assertStatus(201)
    const id = created.body().id as string
    const patched = await client
      .patch(`/api/v1/payouts/${id}`)
      .bearerToken(token)
      .json({ comment: 'second thoughts' })
    patched.assertStatus(200)
    const deposit = await client
      .post(`/api/v1/accounts/${account.id}/deposits`)
      .bearerToken(token)
      .json({ amount: '5.00' })
    deposit.assertStatus(201)

    const rows = await auditRows(id)
    assert.deepEqual(
      rows.map((row) => [row.action, row.via, row.actor]),
      [
        ['payout.create', 'api', `user:${user.id}`],
        ['payout.update', 'api', `user:${user.id}`],
      ]
    )
    assert.deepEqual(rows[1].changes, { comment: { before: null, after: 'second thoughts' } })
    assert.equal(rows[0].changes.amount.after, '1234')
    const [credited] = await auditRows(account.id)
    assert.equal(credited.action, 'account.deposit')
    assert.equal(
      BigInt(credited.changes.balance.after) - BigInt(credited.changes.balance.before),
      BigInt(deposit.body().amount.replace('.', ''))
    )
  })

  test('the log is append-only and filters and exports as CSV', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const payouts = await PayoutFactory.merge({ accountId: account.id }).createMany(3)
    for (const payout of payouts) {
      await client
        .post(`/payouts/${payout.id}/cancel`)
        .withCsrfToken()
        .loginAs(operator)
        .redirects(0)
    }
    await assert.rejects(() => db.rawQuery(`UPDATE audit_log SET actor = 'x'`), /append-only/)
    await assert.rejects(() => db.rawQuery(`DELETE FROM audit_log`), /append-only/)

    const page = await client.get(`/audit?actor=${operator.email}&action=payout`).loginAs(viewer)
    page.assertStatus(200)
    assert.equal(page.text().match(/data-action="payout.cancel"/g)?.length, 3)
    const none = await client.get(`/audit?actor=${viewer.email}`).loginAs(viewer)
    assert.notInclude(none.text(), 'data-action=')

    const bad = await client.get('/audit?from=yesterday&before=x').loginAs(viewer)
    bad.assertStatus(200)
    bad.assertTextIncludes('Enter a date and time')

    const csv = await client.get(`/audit/export?target_type=payout`).loginAs(viewer)
    csv.assertStatus(200)
    const rows = parseCsv(csv.text())
    assert.equal(rows[0][0], 'id')
    assert.lengthOf(rows, 4)
    assert.sameMembers(
      rows.slice(1).map((row) => row[8]),
      payouts.map((payout) => payout.id)
    )
  })
})

test.group('Console: audit log paging', (group) => {
  group.each.setup(() => truncate('audit_log'))

  test('pages go newest first by id, each entry once, across 120 entries', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    await db.rawQuery(
      `INSERT INTO audit_log (actor, via, action, target_type, target_id)
       SELECT 'cli:paging', 'cli', 'queue.pause', 'queue', 'q' || g FROM generate_series(1, 120) g`
    )
    const seen: number[] = []
    let path: string | null = '/audit?actor=cli:paging'
    while (path) {
      const page = await client.get(path).loginAs(viewer)
      page.assertStatus(200)
      const html: string = page.text()
      seen.push(...[...html.matchAll(/<tr data-id="(\d+)"/g)].map((match) => Number(match[1])))
      const next: string | undefined = /href="([^"]+)" rel="next"/.exec(html)?.[1]
      path = next ? next.replace(/&amp;/g, '&') : null
    }
    assert.lengthOf(seen, 120)
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a)
    )
    assert.lengthOf(new Set(seen), 120)
  })
})

test.group('Console: access', (group) => {
  group.each.setup(() => truncate('audit_log'))

  test('every role opens every console page; without a session they redirect', async ({
    client,
    assert,
  }) => {
    const account = await AccountFactory.create()
    const pages = [
      '/audit',
      '/audit/export',
      '/workers',
      '/retries',
      '/stuck',
      '/reconciliation',
      `/accounts/${account.id}/statement`,
      '/search?q=nothing',
    ]
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const user = await UserFactory.apply(role).create()
      for (const path of pages) {
        const response = await client.get(path).loginAs(user)
        response.assertStatus(200)
      }
    }
    // The live pages' event stream too: signed-in users only.
    for (const path of [...pages, '/__transmit/events?uid=anonymous']) {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      assert.match(response.header('location') ?? '', /^\/login/)
    }
  })

  test('creating and revoking a token are audited in their transactions', async ({
    client,
    assert,
  }) => {
    const admin = await UserFactory.apply('admin').create()
    const owner = await UserFactory.apply('viewer').create()
    const created = await client
      .post(`/users/${owner.id}/tokens`)
      .form({
        tokenFor: owner.id,
        name: 'reporting',
        abilities: ['accounts:read', 'payouts:write'],
        expiresInDays: '30',
      })
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    created.assertStatus(302)
    const secret = (created.flashMessages().newToken as { secret: string }).secret
    const token = await db.from('auth_access_tokens').where('tokenable_id', owner.id).firstOrFail()
    // The secret shown once is the one the API accepts (same row and hash as the framework's).
    ;(await client.get('/api/v1/me').bearerToken(secret)).assertStatus(200)

    const [made] = await auditRows(String(token.id))
    assert.equal(made.action, 'token.create')
    assert.equal(made.actor_email, admin.email)
    assert.equal(made.via, 'dashboard')
    assert.equal(made.changes.owner.after, owner.email)
    // Capped by the owner's role: a viewer gets no write ability.
    assert.deepEqual(made.changes.abilities.after, ['accounts:read'])

    const revoked = await client
      .delete(`/users/${owner.id}/tokens/${token.id}`)
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    revoked.assertStatus(302)
    const rows = await auditRows(String(token.id))
    assert.deepEqual(
      rows.map((row) => row.action),
      ['token.create', 'token.revoke']
    )
    assert.equal(rows[1].changes.name.before, 'reporting')
    ;(await client.get('/api/v1/me').bearerToken(secret)).assertStatus(401)
  })

  test('an admin creating a user is audited with the new role', async ({ client, assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const email = `audited-${Date.now()}@example.test`
    const created = await client
      .post('/users')
      .form({ email, password: 'correct-horse-battery', role: 'operator' })
      .withCsrfToken()
      .loginAs(admin)
      .redirects(0)
    created.assertStatus(302)
    const row = await db.from('audit_log').where('action', 'user.create').firstOrFail()
    assert.equal(row.actor_email, admin.email)
    assert.deepEqual(row.changes, { email: { after: email }, role: { after: 'operator' } })
  })
})
