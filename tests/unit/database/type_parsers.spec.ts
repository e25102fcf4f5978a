import { test } from '@japa/runner'
import pg from 'pg'
import { parseTimestamptz } from '#infrastructure/database/type_parsers'

const pgParse = (text: string) => pg.types.getTypeParser(1184, 'text')(text) as Date | number

test.group('parseTimestamptz', () => {
  test('reads {$self} as pg does')
    .with([
      '2026-12-04 23:42:02.123+00',
      '2026-12-04 23:42:02+00',
      '2026-12-04 23:42:02.1+00',
      '2026-12-04 23:42:02.123456+00',
      '2026-12-04 23:42:02.999999+00',
      '2026-01-01 00:00:00.001+05:30',
      '2026-03-01 00:30:00-03',
      '2024-02-29 12:00:00.5-09:30',
      '1999-12-31 23:59:59.999+14',
      '0100-01-01 00:00:00+00',
    ])
    .run(({ assert }, text) => {
      const ours = parseTimestamptz(text)
      assert.instanceOf(ours, Date)
      assert.equal(ours.getTime(), (pgParse(text) as Date).getTime())
    })

  test('hands {$self} to pg, whose parser knows it')
    .with([
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '12026-12-04 23:42:02+00',
      '0099-01-01 00:00:00+00',
      '1890-01-01 00:00:00+00:53:28',
    ])
    .run(({ assert }, text) => {
      assert.equal(Number(parseTimestamptz(text)), Number(pgParse(text)))
    })

  test('reads back what PostgreSQL writes, whatever the session time zone', async ({ assert }) => {
    const client = new pg.Client({
      host: process.env.DB_HOST,
      port: Number(process.env.DB_PORT),
      user: process.env.DB_USER,
      password: process.env.DB_PASSWORD,
      database: process.env.DB_DATABASE,
    })
    await client.connect()
    try {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati']) {
        await client.query(`SET TimeZone = '${zone}'`)
        const { rows } = await client.query({
          text: `SELECT t::text AS text, (extract(epoch FROM t) * 1000)::bigint::text AS ms
                   FROM (VALUES (timestamptz '2026-12-04 23:42:02.123456Z'),
                                (timestamptz '2026-06-30 00:00:00Z'),
                                (date_trunc('milliseconds', clock_timestamp()))) v(t)`,
        })
        for (const row of rows) {
          assert.equal(parseTimestamptz(row.text).getTime(), Number(row.ms), `${zone} ${row.text}`)
        }
      }
    } finally {
      await client.end()
    }
  })
})
