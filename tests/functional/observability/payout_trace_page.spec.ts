import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import Account from '#models/account'
import Payout from '#models/payout'
import { CreatePayout } from '#actions/payouts/create_payout'
import { direct } from '#infrastructure/database/direct'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { truncateMoney } from '#tests/support/dashboard'

test.group('Tracing | the payout page shows the payout trace', (group) => {
  group.each.setup(() => truncateMoney())

  test('a payout created through the action shows the trace id stored with it', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const { id: accountId } = await AccountFactory.merge({ balance: 1_000_000n }).create()
    const account = await Account.findOrFail(accountId)
    const create = await app.container.make(CreatePayout)
    const created = await direct.transaction((trx) =>
      create.handle(trx, { account, amount: 1000n, recipientDetails: 'IBAN page', actor: 'test' })
    )
    const payout = await Payout.findOrFail(created.id)
    const traceId = payout.traceparent!.split('-')[1]
    assert.match(traceId, /^[\da-f]{32}$/)

    const response = await client.get(`/payouts/${payout.id}`).loginAs(viewer)

    response.assertStatus(200)
    assert.match(response.text(), new RegExp(`data-testid="payout-trace">\\s*${traceId}`))
  })

  test('a payout without a stored trace shows no trace row', async ({ client, assert }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const payout = await PayoutFactory.create()

    const response = await client.get(`/payouts/${payout.id}`).loginAs(viewer)

    response.assertStatus(200)
    assert.notInclude(response.text(), 'data-testid="payout-trace"')
  })
})
