import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { PruneMessageLogs } from '#actions/maintenance/prune_message_logs'
import { truncate } from '#tests/helpers'

async function outboxRow(publishedDaysAgo: number | null) {
  await db.rawQuery(
    `INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, published_at)
     VALUES (gen_random_uuid()::text, 'payouts.events', 'test.prune', '{}'::jsonb,
             CASE WHEN ?::int IS NULL THEN NULL ELSE now() - (?::int * interval '1 day') END)`,
    [publishedDaysAgo, publishedDaysAgo]
  )
}

test.group('Pruning the message logs', (group) => {
  group.each.setup(() => truncate('outbox_messages', 'inbox_messages'))

  test('deletes old published outbox rows and inbox marks, never unpublished rows', async ({
    assert,
  }) => {
    await outboxRow(40)
    await outboxRow(40)
    await outboxRow(1)
    await outboxRow(null) // unpublished, however old it is
    await db.rawQuery(
      `UPDATE outbox_messages SET created_at = now() - interval '90 days' WHERE published_at IS NULL`
    )
    await db.rawQuery(
      `INSERT INTO inbox_messages (consumer, message_id, processed_at) VALUES
         ('payouts.process', 'old', now() - interval '40 days'),
         ('payouts.process', 'recent', now() - interval '1 day')`
    )

    const result = await new PruneMessageLogs().handle(30, 1)
    assert.deepEqual(result, { outbox: 2, inbox: 1 })
    const left = await db.rawQuery(
      `SELECT (SELECT count(*) FROM outbox_messages)::int AS outbox,
              (SELECT count(*) FROM outbox_messages WHERE published_at IS NULL)::int AS unpublished,
              (SELECT string_agg(message_id, ',') FROM inbox_messages) AS inbox`
    )
    assert.deepEqual(left.rows[0], { outbox: 2, unpublished: 1, inbox: 'recent' })
  })

  test('refuses a retention under one day', async ({ assert }) => {
    await assert.rejects(() => new PruneMessageLogs().handle(0), /at least one whole day/)
  })
})
