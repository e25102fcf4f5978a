import { test } from '@japa/runner'
import {
  canMove,
  contradictsProviderResult,
  holdsFunds,
  ledgerEffect,
  PAYOUT_STATUSES,
  type PayoutStatus,
} from '#domain/payout_state'
import { statusFromTimeline } from '#tests/support/payout_timeline'

const ALLOWED: [PayoutStatus, PayoutStatus][] = [
  ['NEW', 'PROCESSING'],
  ['NEW', 'CANCELED'],
  ['PROCESSING', 'COMPLETED'],
  ['PROCESSING', 'FAILED'],
  ['FAILED', 'PROCESSING'],
]

test.group('payout state machine', () => {
  test('allows exactly the contract moves', ({ assert }) => {
    for (const from of PAYOUT_STATUSES) {
      for (const to of PAYOUT_STATUSES) {
        const expected = ALLOWED.some(([a, b]) => a === from && b === to)
        assert.equal(canMove(from, to), expected, `${from} → ${to}`)
      }
    }
  })

  test('funds are held only while NEW or PROCESSING', ({ assert }) => {
    assert.deepEqual(
      PAYOUT_STATUSES.filter((status) => holdsFunds(status)),
      ['NEW', 'PROCESSING']
    )
  })

  test('a provider result contradicts the payout when money and ledger would disagree', ({
    assert,
  }) => {
    const contradicted = (reported: 'succeeded' | 'failed') =>
      PAYOUT_STATUSES.filter((status) => contradictsProviderResult(status, reported))
    assert.deepEqual(contradicted('succeeded'), ['NEW', 'FAILED', 'CANCELED'])
    assert.deepEqual(contradicted('failed'), ['COMPLETED'])
  })

  test('ledger effect of each allowed move: only failure and cancel release, replay re-holds', ({
    assert,
  }) => {
    const effects = Object.fromEntries(
      ALLOWED.map(([from, to]) => [`${from}>${to}`, ledgerEffect(from, to)])
    )
    assert.deepEqual(effects, {
      'NEW>PROCESSING': null,
      'NEW>CANCELED': 'release',
      'PROCESSING>COMPLETED': null,
      'PROCESSING>FAILED': 'release',
      'FAILED>PROCESSING': 'hold',
    })
  })

  test('a timeline rebuilds the status and rejects impossible histories', ({ assert }) => {
    const step = (from: string | null, to: string | null) => ({ from_status: from, to_status: to })
    assert.equal(
      statusFromTimeline([
        step(null, 'NEW'),
        step(null, null),
        step('NEW', 'PROCESSING'),
        step('PROCESSING', 'FAILED'),
        step('FAILED', 'PROCESSING'),
        step('PROCESSING', 'COMPLETED'),
      ]),
      'COMPLETED'
    )
    assert.isNull(statusFromTimeline([]))
    assert.throws(() => statusFromTimeline([step(null, 'NEW'), step('NEW', 'COMPLETED')]))
    assert.throws(() => statusFromTimeline([step(null, 'PROCESSING')]))
    assert.throws(() => statusFromTimeline([step(null, 'NEW'), step('PROCESSING', 'FAILED')]))
  })
})
