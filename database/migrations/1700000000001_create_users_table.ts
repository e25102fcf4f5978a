import { BaseSchema } from '@adonisjs/lucid/schema'

export default class extends BaseSchema {
  protected tableName = 'users'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.uuid('id').primary().defaultTo(this.raw('gen_random_uuid()'))
      table.string('email', 254).notNullable()
      table.string('full_name', 120).nullable()
      table.string('password').notNullable()
      table.string('role', 16).notNullable().defaultTo('viewer')
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(this.now())
      table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(this.now())
    })
    this.schema.raw(
      `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'operator', 'viewer'))`
    )
    // Emails are compared case-insensitively: one login per address.
    this.schema.raw(`CREATE UNIQUE INDEX users_email_unique ON users (lower(email))`)
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
