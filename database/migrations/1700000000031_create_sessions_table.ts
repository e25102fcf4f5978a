import { BaseSchema } from '@adonisjs/lucid/schema'

/*
 * Operator sessions kept server-side (config/session.ts, database store), so
 * logging out, disabling a user or changing a role ends them in every web
 * process at once. `user_id` is the session's tag (set at sign-in).
 */
export default class extends BaseSchema {
  protected tableName = 'sessions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.string('id').primary()
      table.text('data').notNullable()
      table.string('user_id').nullable().index()
      table.timestamp('expires_at', { useTz: true }).notNullable().index()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
