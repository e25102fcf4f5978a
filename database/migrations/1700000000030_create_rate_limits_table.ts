import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Rate-limit counters (config/limiter.ts, DirectLimiterStore), shared by
 * every web process; the layout of @adonisjs/limiter's database store. UNLOGGED: a counter is worth no WAL flush on each API
 * request, and losing the counts in a PostgreSQL crash only resets the limits.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE UNLOGGED TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`)
  }

  async down() {
    this.schema.raw('DROP TABLE rate_limits')
  }
}
