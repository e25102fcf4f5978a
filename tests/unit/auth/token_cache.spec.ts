import { test } from '@japa/runner'
import { TokenCache } from '#infrastructure/auth/token_cache'

test.group('TokenCache', () => {
  test('stores nothing while disabled, and empties on every switch', ({ assert }) => {
    const cache = new TokenCache<string>()
    cache.set('1', 'row', cache.generation())
    assert.isUndefined(cache.get('1'))

    cache.setEnabled(true)
    cache.set('1', 'row', cache.generation())
    assert.equal(cache.get('1'), 'row')
    cache.setEnabled(false)
    cache.setEnabled(true)
    assert.isUndefined(cache.get('1'))
  })

  test('a row read before an invalidation is not stored after it', ({ assert }) => {
    const cache = new TokenCache<string>()
    cache.setEnabled(true)
    const generation = cache.generation()
    // The query ran; meanwhile a NOTIFY arrived.
    cache.invalidate()
    cache.set('1', 'stale', generation)
    assert.isUndefined(cache.get('1'))
    assert.equal(cache.size, 0)
  })

  test('an entry is read again after a minute', ({ assert }) => {
    const cache = new TokenCache<string>()
    cache.setEnabled(true)
    cache.set('1', 'row', cache.generation(), 1_000)
    assert.equal(cache.get('1', 61_000), 'row')
    assert.isUndefined(cache.get('1', 61_001))
    assert.equal(cache.size, 0)
  })
})
