import { test } from '@japa/runner'
import fc from 'fast-check'
import { attemptsLeft, backoffDelay, statusCheckDelay } from '#domain/retry_policy'

const settings = { maxAttempts: 5, baseMs: 1000, maxMs: 60_000, jitterMs: 250 }
const unit = fc.double({ min: 0, max: 0.999_999, noNaN: true })

test.group('retry policy', () => {
  test('backoff grows from baseMs, is capped at maxMs and keeps jitter on top', ({ assert }) => {
    const highest = () => 0.999_999
    assert.equal(backoffDelay(1, settings, highest), 1000 + 250)
    assert.equal(backoffDelay(2, settings, highest), 2000 + 250)
    assert.equal(backoffDelay(4, settings, highest), 8000 + 250)
    assert.equal(backoffDelay(40, settings, highest), 60_000 + 250)
    assert.equal(
      backoffDelay(3, settings, () => 0),
      0
    )
  })

  test('backoff stays within [0, ceiling + jitter] for any attempt', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 1000 }), unit, (attempt, r) => {
        const delay = backoffDelay(attempt, settings, () => r)
        return Number.isInteger(delay) && delay >= 0 && delay <= settings.maxMs + settings.jitterMs
      })
    )
  })

  test('attempts are left until maxAttempts', ({ assert }) => {
    assert.isTrue(attemptsLeft(4, settings))
    assert.isFalse(attemptsLeft(5, settings))
  })

  test('status checks wait as long as already waited, within [baseMs, maxMs]', ({ assert }) => {
    const none = () => 0
    assert.equal(statusCheckDelay(0, settings, none), 1000)
    assert.equal(statusCheckDelay(-3000, settings, none), 1000)
    assert.equal(statusCheckDelay(4500.7, settings, none), 4500)
    assert.equal(statusCheckDelay(3_600_000, settings, none), 60_000)
    assert.equal(
      statusCheckDelay(3_600_000, settings, () => 0.999_999),
      60_250
    )
  })

  test('a status check is never scheduled sooner than baseMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), unit, (waited, r) => {
        const delay = statusCheckDelay(waited, settings, () => r)
        return delay >= settings.baseMs && delay <= settings.maxMs + settings.jitterMs
      })
    )
  })
})
