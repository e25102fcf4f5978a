import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, stores } from '@adonisjs/session'

const sessionConfig = defineConfig({
  enabled: true,
  cookieName: 'payouts-session',
  clearWithBrowser: false,
  /*
   * Idle timeout: each request moves the stored session's expiry this far
   * out. The absolute limit since sign-in is SESSION_ABSOLUTE_TIMEOUT
   * (config/security.ts, checked by the auth middleware).
   */
  age: env.get('SESSION_IDLE_TIMEOUT', '2h'),
  cookie: {
    path: '/',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
  /* Server-side by default, so a session ends for good on logout or when its user is disabled. */
  store: env.get('SESSION_DRIVER', 'database'),
  stores: {
    database: stores.database({ tableName: 'sessions' }),
    cookie: stores.cookie(),
  },
})

export default sessionConfig
