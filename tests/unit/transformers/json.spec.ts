import { test } from '@japa/runner'
import { DateTime } from 'luxon'
import { isoUtc } from '#transformers/json'

test.group('isoUtc', () => {
  test('writes what Date#toISOString writes, to the millisecond', ({ assert }) => {
    // Every month, day, hour and a spread of milliseconds from 1970 to 2100.
    for (let ms = 0; ms < 4_102_444_800_000; ms += 86_400_000 * 7 + 3_600_000 + 60_007) {
      const date = new Date(ms)
      assert.equal(isoUtc(date), date.toISOString())
    }
  })

  test('leaves years outside 1000-9999 to toISOString ({$self})')
    .with([
      '0999-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
      '-000001-06-01T12:00:00.000Z',
    ])
    .run(({ assert }, text) => {
      assert.equal(isoUtc(new Date(text)), text)
    })

  test('takes luxon DateTimes and null', ({ assert }) => {
    assert.equal(
      isoUtc(DateTime.fromISO('2026-12-04T23:42:02.123+05:30')),
      '2026-12-04T18:12:02.123Z'
    )
    assert.isNull(isoUtc(null))
    assert.isNull(isoUtc(undefined))
  })

  test('refuses an invalid date as toISOString does', ({ assert }) => {
    assert.throws(() => isoUtc(new Date(Number.NaN)), /Invalid time value/)
  })
})
