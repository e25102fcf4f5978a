import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { truncateMoney } from '#tests/support/dashboard'

test.group('Console: global search', (group) => {
  group.each.setup(() => truncateMoney())

  test('one match goes to its page; a prefix or email finds its target', async ({ client }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const payout = await PayoutFactory.merge({ accountId: account.id }).create()
    await db.from('payouts').where('id', payout.id).update({ provider_reference: 'prv_ref_123' })

    const cases: [string, string][] = [
      ['prv_ref_123', `/payouts/${payout.id}`],
      [payout.id.toUpperCase(), `/payouts/${payout.id}`],
      [payout.id.slice(0, 13), `/payouts/${payout.id}`],
      [account.externalRef, `/accounts/${account.id}`],
      [account.id, `/accounts/${account.id}`],
      [viewer.email, `/audit?actor=${encodeURIComponent(viewer.email)}`],
    ]
    for (const [q, location] of cases) {
      const response = await client
        .get(`/search?q=${encodeURIComponent(q)}`)
        .loginAs(viewer)
        .redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', location)
    }
    const none = await client.get('/search?q=nothing-like-this').loginAs(viewer)
    none.assertStatus(200)
    none.assertTextIncludes('Nothing matches')
  })
})
