import { test } from '@japa/runner'
import {
  ensureTraceparent,
  isValidTraceparent,
  newTraceparent,
} from '#infrastructure/tracing/traceparent'

test.group('traceparent', () => {
  test('new traceparents are valid and distinct across refills of the random pool', ({
    assert,
  }) => {
    // 24 random bytes each: 1,000 of them drain the 4 KiB pool several times.
    const seen = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const value = newTraceparent()
      assert.match(value, /^00-[\da-f]{32}-[\da-f]{16}-01$/)
      assert.isTrue(isValidTraceparent(value))
      seen.add(value.slice(3, 35))
      seen.add(value.slice(36, 52))
    }
    assert.equal(seen.size, 2000)
  })

  test('a valid incoming traceparent is kept, anything else replaced', ({ assert }) => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
    assert.equal(ensureTraceparent(incoming), incoming)
    for (const bad of [
      undefined,
      42,
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ]) {
      const replaced = ensureTraceparent(bad)
      assert.notEqual(replaced, bad)
      assert.isTrue(isValidTraceparent(replaced))
    }
  })
})
