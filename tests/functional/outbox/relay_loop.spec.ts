import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import { direct } from '#infrastructure/database/direct'
import { Outbox, outboxInsertSql } from '#infrastructure/outbox/outbox'
import { OutboxRelayLoop } from '#infrastructure/outbox/relay_loop'
import { eventually } from '#tests/support/eventually'

test.group('Outbox relay loop (web and worker)', () => {
  test('without an onPass callback it still publishes the rows a crash left behind', async ({
    assert,
  }) => {
    const key = `test.relay_loop.${randomUUID()}`
    // Committed, never published: what a crash right after COMMIT leaves.
    const insert = outboxInsertSql([
      { exchange: 'payouts.events', routingKey: key, payload: { left: 'behind' } },
    ])
    await direct.transaction(async (trx) => {
      await trx.rawQuery(insert.sql, insert.bindings)
    })
    // As the web process and the worker run it: no onPass.
    const loop = new OutboxRelayLoop(await app.container.make(Outbox), 50, { minAgeMs: 0 })
    loop.start()
    try {
      const row = await eventually(
        async () => {
          const result = await db.rawQuery(
            `SELECT published_at FROM outbox_messages WHERE routing_key = ? AND published_at IS NOT NULL`,
            [key]
          )
          return result.rows[0]
        },
        5000,
        'the loop to publish the row'
      )
      assert.isNotNull(row.published_at)
    } finally {
      await loop.stop()
    }
  })
})
