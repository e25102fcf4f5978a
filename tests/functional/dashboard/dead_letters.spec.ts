import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import DeadLetter from '#models/dead_letter'
import { CheckLedger } from '#queries/ledger/check_ledger'
import { UserFactory } from '#database/factories/user_factory'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import { failedPayoutWithDeadLetter, uniqueErrorCode } from '#tests/support/dead_letters'

async function ledgerOffencesOf(accountIds: string[]) {
  const offences = await new CheckLedger().handle()
  return offences.filter((offence) => accountIds.includes(offence.accountId))
}

test.group('Dashboard: dead letters', () => {
  test('the pages need a session', async ({ client }) => {
    for (const path of ['/dead-letters', `/dead-letters/${randomUUID()}`]) {
      const response = await client.get(path).redirects(0)
      response.assertStatus(302)
      response.assertHeader('location', '/login')
    }
  })

  test('a viewer sees the list and the detail but cannot replay or discard (403)', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const { letter, payout } = await failedPayoutWithDeadLetter(account)

    const list = await client.get(`/dead-letters?q=${payout.id}`).loginAs(viewer)
    list.assertStatus(200)
    list.assertTextIncludes(`data-id="${letter.id}"`)
    assert.notInclude(list.text(), `/dead-letters/${letter.id}/replay`)
    assert.notInclude(list.text(), 'Replay all matching')

    const detail = await client.get(`/dead-letters/${letter.id}`).loginAs(viewer)
    detail.assertStatus(200)
    detail.assertTextIncludes(letter.messageId)
    assert.notInclude(detail.text(), `/dead-letters/${letter.id}/replay`)

    for (const path of [
      `/dead-letters/${letter.id}/replay`,
      `/dead-letters/${letter.id}/discard`,
      '/dead-letters/replay-matching',
      '/dead-letters/discard-matching',
    ]) {
      const response = await client
        .post(path)
        .loginAs(viewer)
        .withCsrfToken()
        .form({ q: payout.id })
        .redirects(0)
      response.assertStatus(403)
    }
    await letter.refresh()
    assert.equal(letter.status, 'open')
  })

  test('the list filters by status tab, search, error code and creation day', async ({
    client,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    const account = await AccountFactory.apply('funded').create()
    const code = uniqueErrorCode()
    const first = await failedPayoutWithDeadLetter(account, { errorCode: code })
    const second = await failedPayoutWithDeadLetter(account, { errorCode: code })
    await db
      .from('dead_letters')
      .where('id', second.letter.id)
      .update({ status: 'discarded', resolved_by: 'user:someone', resolved_at: new Date() })

    const open = await client.get(`/dead-letters?error_code=${code}`).loginAs(viewer)
    open.assertTextIncludes(`data-id="${first.letter.id}"`)
    assert.notInclude(open.text(), `data-id="${second.letter.id}"`)
    assert.match(open.text(), /data-status="open"[^>]*>\s*Open\s*<span class="tab-count">1</)
    assert.match(open.text(), /data-status="all"[^>]*>\s*All\s*<span class="tab-count">2</)

    const all = await client.get(`/dead-letters?status=all&error_code=${code}`).loginAs(viewer)
    all.assertTextIncludes(`data-id="${first.letter.id}"`)
    all.assertTextIncludes(`data-id="${second.letter.id}"`)

    const bySearch = await client
      .get(`/dead-letters?status=all&q=${second.payout.id}`)
      .loginAs(viewer)
    bySearch.assertTextIncludes(`data-id="${second.letter.id}"`)
    assert.notInclude(bySearch.text(), `data-id="${first.letter.id}"`)

    const today = new Date().toISOString().slice(0, 10)
    const sameDay = await client
      .get(`/dead-letters?error_code=${code}&created_from=${today}&created_to=${today}`)
      .loginAs(viewer)
    sameDay.assertTextIncludes(`data-id="${first.letter.id}"`)
    const earlier = await client
      .get(`/dead-letters?error_code=${code}&created_to=2020-01-01`)
      .loginAs(viewer)
    assert.notInclude(earlier.text(), `data-id="${first.letter.id}"`)
    earlier.assertTextIncludes('No dead letters match this filter')
  })

  test('replaying a FAILED payout moves it to PROCESSING, holds its funds again and records the operator', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const { letter, payout } = await failedPayoutWithDeadLetter(account)
    await account.refresh()
    const before = account.balance
    assert.equal(payout.status, 'FAILED')

    const detail = await client.get(`/dead-letters/${letter.id}`).loginAs(operator)
    detail.assertTextIncludes(`/dead-letters/${letter.id}/replay`)
    detail.assertTextIncludes('Provider answered 503 (attempt 1)')
    detail.assertTextIncludes(`href="/payouts/${payout.id}"`)

    const response = await client
      .post(`/dead-letters/${letter.id}/replay`)
      .loginAs(operator)
      .withCsrfToken()
      .header('referer', `/dead-letters/${letter.id}`)
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', `/dead-letters/${letter.id}`)
    assert.include(
      response.flashMessages().success,
      `Dead letter ${letter.id.slice(0, 8)} replayed`
    )

    await letter.refresh()
    await payout.refresh()
    await account.refresh()
    assert.equal(letter.status, 'replayed')
    assert.equal(letter.resolvedBy, `user:${operator.id}`)
    assert.isNotNull(letter.resolvedAt)
    assert.equal(payout.status, 'PROCESSING')
    assert.equal(account.balance, before - payout.held)

    const move = await db
      .from('payout_events')
      .where({ payout_id: payout.id, from_status: 'FAILED', to_status: 'PROCESSING' })
      .firstOrFail()
    assert.equal(move.actor, `user:${operator.id}`)
    const command = await db
      .from('outbox_messages')
      .where('routing_key', 'payout.process')
      .whereRaw(`headers->>'x-replay-of' = ?`, [letter.messageId])
      .firstOrFail()
    assert.equal(command.payload.payout_id, payout.id)
    assert.deepEqual(await ledgerOffencesOf([account.id]), [])

    const page = await client.get(`/dead-letters/${letter.id}`).loginAs(operator)
    page.assertTextIncludes(operator.email)
    assert.notInclude(page.text(), `/dead-letters/${letter.id}/replay`)

    const again = await client
      .post(`/dead-letters/${letter.id}/replay`)
      .loginAs(operator)
      .withCsrfToken()
      .redirects(0)
    assert.equal(
      again.flashMessages().error,
      'Not replayed: E_INVALID_STATE — This dead letter was already replayed or discarded'
    )
  })

  test('replay all matching replays what it can and flashes the refusals', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const code = uniqueErrorCode()
    const rich = await AccountFactory.apply('funded').create()
    const poor = await AccountFactory.merge({ balance: 14_700n }).create()
    const ok = await failedPayoutWithDeadLetter(rich, { errorCode: code })
    const short = await failedPayoutWithDeadLetter(poor, { amount: 10_000n, errorCode: code })
    // The poor account spends its funds meanwhile: the failed payout can no longer be held.
    await PayoutFactory.merge({ accountId: poor.id, amount: 10_000n }).create()

    const response = await client
      .post('/dead-letters/replay-matching')
      .loginAs(operator)
      .withCsrfToken()
      .header('referer', `/dead-letters?error_code=${code}`)
      .form({ error_code: code })
      .redirects(0)

    response.assertStatus(302)
    response.assertHeader('location', `/dead-letters?error_code=${code}`)
    assert.equal(
      response.flashMessages().warning,
      '1 replayed, 1 refused: E_INSUFFICIENT_FUNDS (The balance does not cover amount plus fee)'
    )
    await ok.letter.refresh()
    await short.letter.refresh()
    await short.payout.refresh()
    assert.equal(ok.letter.status, 'replayed')
    assert.equal(ok.letter.resolvedBy, `user:${operator.id}`)
    assert.equal(short.letter.status, 'open')
    assert.equal(short.payout.status, 'FAILED')
    assert.deepEqual(await ledgerOffencesOf([rich.id, poor.id]), [])
  })

  test('discard all matching closes only the letters the filter matches', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const code = uniqueErrorCode()
    const first = await failedPayoutWithDeadLetter(account, { errorCode: code })
    const second = await failedPayoutWithDeadLetter(account, { errorCode: code })
    const other = await failedPayoutWithDeadLetter(account, { errorCode: uniqueErrorCode() })
    await account.refresh()
    const before = account.balance

    const response = await client
      .post('/dead-letters/discard-matching')
      .loginAs(operator)
      .withCsrfToken()
      .form({ error_code: code, status: 'open' })
      .redirects(0)

    response.assertStatus(302)
    assert.equal(response.flashMessages().success, '2 discarded')
    const letters = await DeadLetter.query().whereIn('id', [
      first.letter.id,
      second.letter.id,
      other.letter.id,
    ])
    const byId = new Map(letters.map((letter) => [letter.id, letter]))
    for (const { letter } of [first, second]) {
      assert.equal(byId.get(letter.id)!.status, 'discarded')
      assert.equal(byId.get(letter.id)!.resolvedBy, `user:${operator.id}`)
    }
    assert.equal(byId.get(other.letter.id)!.status, 'open')
    await account.refresh()
    assert.equal(account.balance, before, 'failed payouts stay failed; no funds move')
    assert.deepEqual(await ledgerOffencesOf([account.id]), [])

    const none = await client
      .post('/dead-letters/discard-matching')
      .loginAs(operator)
      .withCsrfToken()
      .form({ error_code: code })
      .redirects(0)
    assert.equal(
      none.flashMessages().warning,
      'No open dead letters match this filter: nothing discarded'
    )
  })

  test('a replay or discard without a CSRF token changes nothing', async ({ client, assert }) => {
    const operator = await UserFactory.apply('operator').create()
    const account = await AccountFactory.apply('funded').create()
    const { letter } = await failedPayoutWithDeadLetter(account)

    const response = await client
      .post(`/dead-letters/${letter.id}/discard`)
      .loginAs(operator)
      .redirects(0)

    response.assertStatus(302)
    assert.property(response.flashMessages().errorsBag ?? {}, 'E_BAD_CSRF_TOKEN')
    await letter.refresh()
    assert.equal(letter.status, 'open')
  })
})
