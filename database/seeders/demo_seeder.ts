import { BaseSeeder } from '@adonisjs/lucid/seeders'
import env from '#start/env'
import User from '#models/user'

export const DEMO_ADMIN = { email: 'admin@payouts.local', password: 'payouts-demo-admin' }

/*
 * Demo data for `npm start`: an admin login (created once, never overwritten).
 * Not run in production.
 */
export default class DemoSeeder extends BaseSeeder {
  static environment = ['development']

  async run() {
    const existing = await User.findByEmail(DEMO_ADMIN.email)
    if (!existing) {
      await User.create({ ...DEMO_ADMIN, role: 'admin', fullName: 'Demo Admin' })
    }
    const note = existing ? 'exists' : 'created'
    process.stdout.write(
      `\n  Demo admin ${note}: ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}` +
        `  (log in at ${env.get('APP_URL', 'http://localhost:3333')}/login)\n\n`
    )
  }
}
