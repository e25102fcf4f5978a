import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Indexes behind the operator dashboard, so its pages stay fast on large
 * tables: accounts by external reference prefix (case-insensitive), payouts
 * by a substring of the recipient details or the comment (trigrams), and the
 * per-status counts of the status tabs. The counts read a status-only index:
 * five distinct values deduplicate to a few MB per million rows, so an
 * index-only scan counts them several times faster than the wider
 * (status, created_at, id) page index or the table.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    this.schema.raw(`CREATE INDEX payouts_status_idx ON payouts (status)`)
    this.schema.raw(
      `CREATE INDEX accounts_external_ref_prefix_idx ON accounts (lower(external_ref) text_pattern_ops)`
    )
    this.schema.raw(
      `CREATE INDEX payouts_recipient_trgm_idx ON payouts USING gin (recipient_details gin_trgm_ops)`
    )
    this.schema.raw(
      `CREATE INDEX payouts_comment_trgm_idx ON payouts USING gin (comment gin_trgm_ops)`
    )
  }

  async down() {
    this.schema.raw('DROP INDEX payouts_comment_trgm_idx')
    this.schema.raw('DROP INDEX payouts_recipient_trgm_idx')
    this.schema.raw('DROP INDEX accounts_external_ref_prefix_idx')
    this.schema.raw('DROP INDEX payouts_status_idx')
  }
}
