import { test } from '@japa/runner'
import { connect } from 'node:net'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { AccountFactory } from '#database/factories/account_factory'
import { tokenFor, truncate } from '#tests/helpers'
import { eventually } from '#tests/support/eventually'
import { freePort } from '#tests/support/app_processes'
import { ProcessCluster } from '#tests/support/process_cluster'

test.group('Web: graceful shutdown', (group) => {
  let cluster: ProcessCluster

  group.each.setup(async () => {
    await truncate('payout_events', 'payouts', 'transactions', 'accounts', 'outbox_messages')
    return () => cluster?.stopAll()
  })

  test('SIGTERM: new connections are refused, the request in flight completes and commits, exit 0 within the grace', async ({
    assert,
  }) => {
    const grace = 10_000
    const account = await AccountFactory.merge({ balance: 1_000_000n, currency: 'EUR' }).create()
    const { token } = await tokenFor(['*'])
    cluster = new ProcessCluster()
    const port = await freePort()
    const web = await cluster.startWeb(port, { WEB_SHUTDOWN_GRACE_MS: String(grace) })

    // A request whose body is still arriving when SIGTERM comes.
    const body = JSON.stringify({
      account_id: account.id,
      amount: '10.00',
      currency: 'EUR',
      recipient_details: 'IBAN in flight at shutdown',
    })
    const socket = connect(port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    let answer = ''
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')))
    const closed = new Promise((resolve) => socket.once('close', resolve))
    socket.write(
      [
        'POST /api/v1/payouts HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Authorization: Bearer ${token}`,
        'Content-Type: application/json',
        `Idempotency-Key: ${randomUUID()}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body.slice(0, 20),
      ].join('\r\n')
    )
    await new Promise((resolve) => setTimeout(resolve, 300))

    const stopping = web.stop('SIGTERM')
    // The port stops accepting.
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null)) === null,
      5000,
      'new connections to be refused'
    )
    assert.equal(answer, '', 'the request in flight is still waiting for its body')

    socket.write(body.slice(20))
    await eventually(() => answer.includes('\r\n\r\n{'), 10_000, 'the answer')
    assert.match(answer, /^HTTP\/1\.1 201 /)
    const { id } = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { id: string }
    const stored = await db.from('payouts').where('id', id).first()
    assert.exists(stored, 'the payout was committed')

    const exit = await stopping
    await closed
    assert.equal(exit.code, 0, web.output.slice(-2000))
    assert.isBelow(exit.elapsedMs, grace)
  }).timeout(90_000)
})
