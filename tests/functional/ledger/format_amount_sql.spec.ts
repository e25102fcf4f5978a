import { test } from '@japa/runner'
import { direct } from '#infrastructure/database/direct'
import { formatAmount, formatAmountSql } from '#domain/money'

/* The money formatting rule's SQL form (docs/adr/0008) must say what formatAmount says. */
test.group('formatAmountSql', () => {
  test('{$self} formats like formatAmount')
    .with(['EUR', 'JPY', 'KWD', 'CLF'])
    .run(async ({ assert }, currency) => {
      const values = [0n, 1n, 9n, 10n, 99n, 100n, 101n, 9800n, 123456789n, 100000000000n]
      for (const value of values) {
        const result = await direct.rawQuery(
          `SELECT ${formatAmountSql('v', currency)} AS text FROM (SELECT ?::bigint AS v) amount`,
          [value.toString()]
        )
        assert.equal(result.rows[0].text, formatAmount(value, currency), `${value} ${currency}`)
      }
    })
})
