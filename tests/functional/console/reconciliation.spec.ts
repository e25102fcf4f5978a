import { test } from '@japa/runner'
import db from '@adonisjs/lucid/services/db'
import { UserFactory } from '#database/factories/user_factory'
import { truncateMoney } from '#tests/support/dashboard'
import { truncate } from '#tests/helpers'
import { contradictedPayout } from '#tests/support/console'

const openCount = (html: string) => /data-testid="open-count">([^<]+)</.exec(html)?.[1]

test.group('Console: reconciliation', (group) => {
  group.each.setup(async () => {
    await truncateMoney()
    await truncate('audit_log', 'contradiction_reviews')
  })

  test('viewers see contradictions and cannot reconcile (no form, 403)', async ({
    client,
    assert,
  }) => {
    const { payout, eventId } = await contradictedPayout()
    const viewer = await UserFactory.apply('viewer').create()
    const page = await client.get('/reconciliation').loginAs(viewer)
    page.assertStatus(200)
    assert.include(page.text(), `data-payout-id="${payout.id}"`)
    assert.notInclude(page.text(), 'reconcile-form')
    assert.equal(openCount(page.text()), '1')
    const overview = await client.get('/').loginAs(viewer)
    assert.match(overview.text(), /data-live-count="contradictions">1</)

    const refused = await client
      .post(`/reconciliation/${eventId}`)
      .form({ note: 'checked' })
      .withCsrfToken()
      .loginAs(viewer)
      .redirects(0)
    refused.assertStatus(403)
    assert.isNull(await db.from('contradiction_reviews').first())
  })

  test('an operator marks one reconciled with a required note: timeline, audit, count', async ({
    client,
    assert,
  }) => {
    const operator = await UserFactory.apply('operator').create()
    const { payout, eventId } = await contradictedPayout()
    const empty = await client
      .post(`/reconciliation/${eventId}`)
      .form({ note: '' })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    empty.assertStatus(302)
    assert.isNull(await db.from('contradiction_reviews').first())

    const note = 'Provider confirmed the transfer; refunded the customer by deposit'
    const done = await client
      .post(`/reconciliation/${eventId}`)
      .form({ note })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    done.assertStatus(302)

    const timeline = await db
      .from('payout_events')
      .where({ payout_id: payout.id, type: 'contradiction_reconciled' })
    assert.lengthOf(timeline, 1)
    assert.equal(timeline[0].actor, `user:${operator.id}`)
    assert.equal(timeline[0].details.note, note)
    const audit = await db.from('audit_log').where('action', 'payout.reconcile_contradiction')
    assert.lengthOf(audit, 1)
    assert.equal(audit[0].target_id, payout.id)
    assert.equal(audit[0].changes.note.after, note)

    const page = await client.get('/reconciliation?state=reconciled').loginAs(operator)
    assert.include(page.text(), note)
    assert.equal(openCount(page.text()), '0')

    // Twice is refused (409 as a flash), and nothing more is written.
    const again = await client
      .post(`/reconciliation/${eventId}`)
      .form({ note })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    again.assertStatus(302)
    assert.lengthOf(await db.from('contradiction_reviews'), 1)
    assert.lengthOf(await db.from('audit_log').where('action', 'payout.reconcile_contradiction'), 1)
    const unknown = await client
      .post('/reconciliation/999999999')
      .form({ note })
      .withCsrfToken()
      .loginAs(operator)
      .redirects(0)
    assert.notEqual(unknown.status(), 500)
  })
})
