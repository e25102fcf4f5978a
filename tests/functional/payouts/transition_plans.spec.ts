import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { truncate } from '#tests/helpers'
import { AccountFactory } from '#database/factories/account_factory'
import { ONE_PAYOUT_IN_STATUS } from '#infrastructure/payouts/payout_store'

/* The plan PostgreSQL picks for a conditional write to one payout, as text. */
async function planOf(status: string) {
  const explained = await db.rawQuery(
    `EXPLAIN UPDATE payouts SET updated_at = now() WHERE ${ONE_PAYOUT_IN_STATUS}`,
    ['00000000-0000-4000-8000-000000000001', status]
  )
  return explained.rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN']).join('\n')
}

test.group('Payout moves find their row by primary key', (group) => {
  group.each.setup(() =>
    truncate('payout_events', 'payouts', 'transactions', 'accounts', 'outbox_messages')
  )

  test('even when statistics say a status is rare and a backlog of it has built up since', async ({
    assert,
  }) => {
    const account = await AccountFactory.merge({ externalRef: 'plans' }).create()
    const insert = (status: string, count: number) =>
      db.rawQuery(
        `INSERT INTO payouts (id, account_id, amount, fee, currency, status, recipient_details, attempts)
         SELECT gen_random_uuid(), ?, 100, 2, 'EUR', ?, 'IBAN plan ' || g, 0
           FROM generate_series(1, ?::int) g`,
        [account.id, status, count]
      )
    // The usual shape when statistics are taken: (nearly) every payout is settled.
    await insert('COMPLETED', 20_000)
    await db.rawQuery('ANALYZE payouts')
    // Then the provider goes away and NEW payouts pile up before the next ANALYZE.
    await insert('NEW', 20_000)

    for (const status of ['NEW', 'PROCESSING']) {
      const plan = await planOf(status)
      assert.include(plan, 'payouts_pkey', plan)
      assert.notInclude(plan, 'payouts_status', plan)
    }
  }).timeout(30_000)
})
