import { test } from '@japa/runner'
import fc from 'fast-check'
import { exponentOf, feeFor, formatAmount, isCurrency, parseAmount } from '#domain/money'

const currencies = fc.constantFrom('EUR', 'USD', 'JPY', 'KRW', 'KWD', 'BHD', 'CLF')

test.group('money: decimal strings and minor units', () => {
  test('ISO 4217 exponents', ({ assert }) => {
    assert.equal(exponentOf('EUR'), 2)
    assert.equal(exponentOf('JPY'), 0)
    assert.equal(exponentOf('KRW'), 0)
    assert.equal(exponentOf('KWD'), 3)
    assert.equal(exponentOf('BHD'), 3)
    assert.isTrue(isCurrency('EUR'))
    assert.isFalse(isCurrency('XXX'))
    assert.isFalse(isCurrency('eur'))
  })

  test('parses and formats exact examples', ({ assert }) => {
    assert.deepEqual(parseAmount('100.00', 'EUR'), { ok: true, minor: 10000n })
    assert.deepEqual(parseAmount('100', 'EUR'), { ok: true, minor: 10000n })
    assert.deepEqual(parseAmount('0.5', 'EUR'), { ok: true, minor: 50n })
    assert.deepEqual(parseAmount('980', 'JPY'), { ok: true, minor: 980n })
    assert.deepEqual(parseAmount('1.234', 'KWD'), { ok: true, minor: 1234n })
    assert.deepEqual(parseAmount('1.50', 'JPY'), { ok: false, reason: 'precision' })
    assert.deepEqual(parseAmount('1.0', 'JPY'), { ok: true, minor: 1n })
    assert.deepEqual(parseAmount('1.001', 'EUR'), { ok: false, reason: 'precision' })
    assert.deepEqual(parseAmount('0.00', 'EUR'), { ok: false, reason: 'not_positive' })
    for (const bad of ['-1', '+1', '1e3', ' 1', '1 ', '', '.5', '5.', 'abc', '1,00', '0x10']) {
      assert.deepEqual(parseAmount(bad, 'EUR'), { ok: false, reason: 'format' }, bad)
    }
    assert.equal(formatAmount(9800n, 'EUR'), '98.00')
    assert.equal(formatAmount(980n, 'JPY'), '980')
    assert.equal(formatAmount(5n, 'EUR'), '0.05')
    assert.equal(formatAmount(-10200n, 'EUR'), '-102.00')
    assert.equal(formatAmount(1n, 'KWD'), '0.001')
    assert.equal(formatAmount(0n, 'EUR'), '0.00')
  })

  test('format then parse is the identity on positive minor units', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n }), currencies, (minor, currency) => {
        const parsed = parseAmount(formatAmount(minor, currency), currency)
        return parsed.ok && parsed.minor === minor
      })
    )
  })

  test('parse then format keeps the value, padded to the currency decimals', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 3 }),
        currencies,
        (whole, decimals, currency) => {
          fc.pre(decimals <= exponentOf(currency))
          const fraction = decimals ? '.' + '7'.repeat(decimals) : ''
          const text = `${whole}${fraction}`
          const parsed = parseAmount(text, currency)
          if (!parsed.ok) return whole === 0n && decimals === 0
          const formatted = formatAmount(parsed.minor, currency)
          const [w, f = ''] = formatted.split('.')
          return (
            BigInt(w) === whole &&
            f === ('7'.repeat(decimals) + '0000').slice(0, exponentOf(currency))
          )
        }
      )
    )
  })
})

test.group('money: fee rule', () => {
  test('2 % rounded half up to the minor unit', ({ assert }) => {
    assert.equal(feeFor(10000n, 200), 200n)
    assert.equal(feeFor(25n, 200), 1n) // 0.5 → 1 (half up)
    assert.equal(feeFor(24n, 200), 0n) // 0.48 → 0
    assert.equal(feeFor(75n, 200), 2n) // 1.5 → 2
    assert.equal(feeFor(1n, 200), 0n)
    assert.equal(feeFor(12345n, 0), 0n)
  })

  test('fee equals amount × bps / 10000 rounded half up, exactly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.integer({ min: 0, max: 10000 }),
        (amount, bps) => {
          const fee = feeFor(amount, bps)
          const exact = amount * BigInt(bps) // fee in units of 1/10000
          // |fee·10000 − exact| ≤ 5000 and ties (exactly .5) round up.
          const diff = fee * 10000n - exact
          return diff >= -4999n && diff <= 5000n && fee >= 0n && fee <= amount
        }
      )
    )
  })
})
