import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/limiter'
import type { InferLimiters, LimiterConsumptionOptions } from '@adonisjs/limiter/types'
import { DirectLimiterStore } from '#infrastructure/rate_limits/direct_limiter_store'

/*
 * Rate limits (docs/security.md). Counters live in PostgreSQL (the UNLOGGED
 * `rate_limits` table), so every web process shares them; `memory` is for a
 * single process. The API's per-second burst is counted in each process's
 * memory: it costs no query, and the sustained limit is the shared one.
 */
const limiterConfig = defineConfig({
  default: env.get('LIMITER_STORE', 'database'),
  stores: {
    // The package's table and semantics on the direct client (see DirectLimiterStore).
    database: (options: LimiterConsumptionOptions) => new DirectLimiterStore(options),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}

/* The limits themselves; tests lower them for a moment. */
export const rateLimits = {
  enabled: env.get('RATE_LIMIT_ENABLED', true),
  api: {
    /* Requests per token and minute, over all web processes. */
    perMinute: env.get('API_RATE_LIMIT_PER_MINUTE', 120_000),
    /* Requests per token and second, in each web process. */
    burstPerSecond: env.get('API_RATE_LIMIT_BURST', 2000),
  },
  signIn: {
    /* Wrong passwords per email and address within a minute before a lock-out. */
    perEmailAndIp: env.get('SIGN_IN_ATTEMPTS_PER_MINUTE', 5),
    /* Wrong passwords per address within 15 minutes, whatever the email. */
    perIp: env.get('SIGN_IN_ATTEMPTS_PER_IP', 50),
    /* The first lock-out; each further one within a day doubles it, up to maxLockout. */
    lockout: env.get('SIGN_IN_LOCKOUT', '1m'),
    maxLockout: '1h',
  },
  webhook: {
    /* Provider callbacks per source address and minute. */
    perMinute: env.get('WEBHOOK_RATE_LIMIT_PER_MINUTE', 1200),
  },
}
