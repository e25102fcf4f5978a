import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * A disabled user can neither sign in nor use a token. The row stays (the
 * timeline and audit name it); `users_changed` (migration 22) notifies the
 * token caches of every web process when this column or the role changes.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.raw('ALTER TABLE users ADD COLUMN disabled_at timestamptz')
  }

  async down() {
    this.schema.raw('ALTER TABLE users DROP COLUMN disabled_at')
  }
}
