import { test } from '@japa/runner'
import { RETRY_LEVELS, retryQueueFor, TOPOLOGY } from '#infrastructure/rabbitmq/topology'

test.group('retryQueueFor', () => {
  test('level k holds waits in [base·2^(k-1), base·2^k)', ({ assert }) => {
    const base = 1000
    assert.equal(retryQueueFor(0, base), 'payouts.process.retry.q1')
    assert.equal(retryQueueFor(999, base), 'payouts.process.retry.q1')
    assert.equal(retryQueueFor(1000, base), 'payouts.process.retry.q1')
    assert.equal(retryQueueFor(1999, base), 'payouts.process.retry.q1')
    assert.equal(retryQueueFor(2000, base), 'payouts.process.retry.q2')
    assert.equal(retryQueueFor(3999, base), 'payouts.process.retry.q2')
    assert.equal(retryQueueFor(4000, base), 'payouts.process.retry.q3')
    assert.equal(retryQueueFor(60_000, base), 'payouts.process.retry.q6')
  })

  test('waits beyond the last level go to the last level', ({ assert }) => {
    assert.equal(retryQueueFor(10 ** 9, 1000), TOPOLOGY.retryQueues[RETRY_LEVELS - 1])
  })

  test('within one level the longest wait is less than twice the shortest', ({ assert }) => {
    const base = 250
    for (let delay = base; delay < base * 2 ** (RETRY_LEVELS - 1); delay += 37) {
      const level = TOPOLOGY.retryQueues.indexOf(retryQueueFor(delay, base)) + 1
      assert.isAtLeast(delay, base * 2 ** (level - 1))
      assert.isBelow(delay, base * 2 ** level)
    }
  })
})
