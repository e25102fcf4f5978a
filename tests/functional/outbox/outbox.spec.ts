import { test } from '@japa/runner'
import { randomUUID } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import type { Channel, ConsumeMessage } from 'amqplib'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import { TOPOLOGY } from '#infrastructure/rabbitmq/topology'
import { Outbox } from '#infrastructure/outbox/outbox'
import { direct } from '#infrastructure/database/direct'
import { tokenFor } from '#tests/helpers'
import { eventually } from '#tests/support/eventually'

/* A private queue bound to `exchange` with `keys`, collecting what arrives. */
async function listen(channel: Channel, exchange: string, keys: string[]) {
  const received: ConsumeMessage[] = []
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true })
  for (const key of keys) await channel.bindQueue(queue, exchange, key)
  await channel.consume(queue, (message) => message && received.push(message), { noAck: true })
  return received
}

test.group('Transactional outbox', (group) => {
  let channel: Channel

  group.each.setup(async () => {
    const broker = await app.container.make(BrokerConnection)
    channel = await broker.openChannel('outbox test')
    return () => channel.close().catch(() => {})
  })

  test('a committed row is published once, with the contract properties', async ({ assert }) => {
    const key = `test.outbox.${randomUUID()}`
    const received = await listen(channel, TOPOLOGY.exchanges.events, [key])
    const outbox = await app.container.make(Outbox)
    await direct.transaction(async (trx) => {
      await outbox.stage(trx, [
        { exchange: TOPOLOGY.exchanges.events, routingKey: key, payload: { hello: 'world' } },
      ])
    })
    await eventually(async () => received.length === 1, 5000, 'the message')
    const [message] = received
    assert.deepEqual(JSON.parse(message.content.toString()), { hello: 'world' })
    assert.equal(message.properties.contentType, 'application/json')
    assert.equal(message.properties.deliveryMode, 2)
    assert.equal(message.properties.type, key)
    assert.isString(message.properties.messageId)
    assert.isNumber(message.properties.timestamp)
    assert.match(
      String(message.properties.headers?.traceparent),
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/
    )
    // Confirmed rows are marked published in batches, a few milliseconds later.
    await eventually(
      async () => {
        const row = await db.rawQuery(
          'SELECT published_at FROM outbox_messages WHERE routing_key = ?',
          [key]
        )
        return row.rows[0].published_at !== null
      },
      5000,
      'the row marked published'
    )
    await sleep(300)
    assert.lengthOf(received, 1)
  })

  test('closing waits for publishes in flight, marks them, then writes nothing more', async ({
    assert,
  }) => {
    // A broker whose confirms take 300 ms: the publish is still in flight when close() starts.
    const confirmed: string[] = []
    const outbox = new Outbox({
      async publish(_exchange, routingKey) {
        await sleep(300)
        confirmed.push(routingKey)
      },
    })
    const publishedAt = async (key: string) => {
      const row = await db.rawQuery(
        'SELECT published_at FROM outbox_messages WHERE routing_key = ?',
        [key]
      )
      return row.rows[0].published_at as Date | null
    }
    const before = `test.outbox.${randomUUID()}`
    await direct.transaction(async (trx) => {
      await outbox.stage(trx, [{ exchange: '', routingKey: before, payload: {} }])
    })
    await outbox.close()
    assert.deepEqual(confirmed, [before])
    assert.isNotNull(await publishedAt(before), 'marked before close() returned')

    // A publish confirmed after close() leaves its row to the relay: no write, no timer.
    const after = `test.outbox.${randomUUID()}`
    await direct.transaction(async (trx) => {
      await outbox.stage(trx, [{ exchange: '', routingKey: after, payload: {} }])
    })
    await eventually(async () => confirmed.includes(after), 5000, 'the late confirm')
    await sleep(200)
    assert.isNull(await publishedAt(after))
    await db.rawQuery('DELETE FROM outbox_messages WHERE routing_key IN (?, ?)', [before, after])
  })

  test('a transaction that rolls back after writing an outbox row publishes nothing', async ({
    assert,
  }) => {
    const key = `test.outbox.${randomUUID()}`
    const received = await listen(channel, TOPOLOGY.exchanges.events, [key])
    const outbox = await app.container.make(Outbox)
    await assert.rejects(() =>
      direct.transaction(async (trx) => {
        await outbox.stage(trx, [
          { exchange: TOPOLOGY.exchanges.events, routingKey: key, payload: { phantom: true } },
        ])
        throw new Error('the change fails after the outbox row was written')
      })
    )
    await outbox.relayOnce()
    await sleep(500)
    assert.lengthOf(received, 0)
    const rows = await db.rawQuery(
      'SELECT count(*)::int AS n FROM outbox_messages WHERE routing_key = ?',
      [key]
    )
    assert.equal(rows.rows[0].n, 0)
  })

  test('killed between commit and publish: the relay publishes the row exactly once', async ({
    assert,
  }) => {
    const key = `test.outbox.${randomUUID()}`
    const received = await listen(channel, TOPOLOGY.exchanges.events, [key])
    const crash = spawnSync(
      process.execPath,
      ['--import=@poppinss/ts-exec', 'tests/fixtures/commit_then_die.ts', key],
      { env: { ...process.env, NODE_ENV: 'test' }, encoding: 'utf8' }
    )
    assert.equal(crash.signal, 'SIGKILL', crash.stderr)
    const left = await db.rawQuery(
      'SELECT published_at FROM outbox_messages WHERE routing_key = ?',
      [key]
    )
    assert.lengthOf(left.rows, 1)
    assert.isNull(left.rows[0].published_at, 'committed but never published')
    await sleep(300)
    assert.lengthOf(received, 0)

    for (let i = 0; i < 2; i++) {
      const relay = spawnSync(process.execPath, ['ace.js', 'outbox:relay'], {
        env: { ...process.env, NODE_ENV: 'test' },
        encoding: 'utf8',
      })
      assert.equal(relay.status, 0, relay.stderr)
    }
    await eventually(async () => received.length >= 1, 5000, 'the relayed message')
    await sleep(500)
    assert.lengthOf(received, 1)
    assert.deepEqual(JSON.parse(received[0].content.toString()), {
      crashed: true,
      routing_key: key,
    })
    const after = await db.rawQuery(
      'SELECT published_at FROM outbox_messages WHERE routing_key = ?',
      [key]
    )
    assert.isNotNull(after.rows[0].published_at)
  }).timeout(60_000)

  test('events written by the same statement as the change carry what the API answered', async ({
    client,
    assert,
  }) => {
    const received = await listen(channel, TOPOLOGY.exchanges.events, [
      'account.credited',
      'payout.created',
    ])
    const { token } = await tokenFor(['*'])
    const answers: Record<string, unknown>[] = []
    // Exponents 2, 0 and 3: balance_after is formatted by SQL in the statement, like formatAmount.
    for (const [currency, deposit] of [
      ['EUR', '1234.56'],
      ['JPY', '98765'],
      ['KWD', '0.5'],
    ]) {
      const account = await client
        .post('/api/v1/accounts')
        .bearerToken(token)
        .json({ external_ref: `ev-${randomUUID()}`, currency })
      // With a key (one transaction with the sealed answer) and without (one statement alone).
      for (const keyed of [true, false]) {
        const request = client
          .post(`/api/v1/accounts/${account.body().id}/deposits`)
          .bearerToken(token)
        if (keyed) request.header('Idempotency-Key', randomUUID())
        const credited = await request.json({ amount: deposit })
        credited.assertStatus(201)
        answers.push(credited.body())
      }
    }
    const account = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: `ev-${randomUUID()}`, currency: 'EUR' })
    await client
      .post(`/api/v1/accounts/${account.body().id}/deposits`)
      .bearerToken(token)
      .json({ amount: '100.00' })
    const payout = await client.post('/api/v1/payouts').bearerToken(token).json({
      account_id: account.body().id,
      amount: '12.34',
      currency: 'EUR',
      recipient_details: 'IBAN events',
      comment: 'timestamps from SQL',
    })
    payout.assertStatus(201)

    const body = (m: ConsumeMessage) => JSON.parse(m.content.toString())
    const credits = () => received.filter((m) => m.properties.type === 'account.credited')
    await eventually(async () => credits().length >= answers.length + 1, 5000, 'the credits')
    for (const answer of answers) {
      const event = credits()
        .map(body)
        .find((candidate) => candidate.transaction_id === answer.id)
      assert.exists(event, `account.credited for ${answer.id}`)
      assert.equal(event.balance_after, answer.balance_after)
      assert.equal(event.credited, answer.amount)
      assert.equal(event.fee, answer.fee)
      assert.equal(event.account_id, answer.account_id)
    }
    await eventually(
      async () => received.some((m) => body(m).id === payout.body().id),
      5000,
      'payout.created'
    )
    const created = received.find((m) => body(m).id === payout.body().id)!
    assert.equal(created.properties.type, 'payout.created')
    assert.deepEqual(body(created), payout.body())
  })

  test('a created payout puts payout.process on the queue after commit; a refused one does not', async ({
    client,
    assert,
  }) => {
    const received = await listen(channel, TOPOLOGY.exchanges.commands, [
      TOPOLOGY.routingKeys.processPayout,
    ])
    const { token } = await tokenFor(['*'])
    const account = await client
      .post('/api/v1/accounts')
      .bearerToken(token)
      .json({ external_ref: `c-${randomUUID()}`, currency: 'EUR' })
    const accountId = account.body().id
    await client
      .post(`/api/v1/accounts/${accountId}/deposits`)
      .bearerToken(token)
      .json({ amount: '20.00' })
    const payoutFor = (body: Record<string, unknown>) =>
      client
        .post('/api/v1/payouts')
        .bearerToken(token)
        .json({ account_id: accountId, currency: 'EUR', recipient_details: 'x', ...body })

    const created = await payoutFor({ amount: '10.00' })
    created.assertStatus(201)
    ;(await payoutFor({ amount: '15.00' })).assertStatus(409) // 19.60 left, 15.30 needed after the first
    ;(await payoutFor({ amount: 'abc' })).assertStatus(422)

    const mine = () =>
      received.filter((m) => {
        const body = JSON.parse(m.content.toString())
        return typeof body.payout_id === 'string'
      })
    await eventually(
      async () =>
        mine().some((m) => JSON.parse(m.content.toString()).payout_id === created.body().id),
      20_000
    )
    await sleep(500)
    const ids = mine().map((m) => JSON.parse(m.content.toString()).payout_id)
    const ours = await db.rawQuery('SELECT id FROM payouts WHERE account_id = ?', [accountId])
    assert.lengthOf(ours.rows, 1)
    assert.deepEqual(
      ids.filter((id) => ours.rows.some((row: { id: string }) => row.id === id)),
      [created.body().id]
    )
  }).timeout(30_000)
})
