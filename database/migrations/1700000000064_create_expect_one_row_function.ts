import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * expect_one_row(n, message): n when it is 1, else an error (SQLSTATE P0001)
 * with the message. A write that must touch exactly one row says so inside
 * its own statement, so it can travel with the COMMIT in one round trip: if
 * it touched none, the statement fails, the transaction aborts, and the
 * COMMIT behind it rolls back (docs/adr/0008).
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw(`
      CREATE OR REPLACE FUNCTION expect_one_row(n bigint, message text) RETURNS bigint
      LANGUAGE plpgsql AS $$
      BEGIN
        IF n IS DISTINCT FROM 1 THEN
          RAISE EXCEPTION '%', message;
        END IF;
        RETURN n;
      END
      $$`)
  }

  async down() {
    this.schema.raw('DROP FUNCTION expect_one_row(bigint, text)')
  }
}
