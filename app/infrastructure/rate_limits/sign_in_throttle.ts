import string from '@adonisjs/core/helpers/string'
import logger from '@adonisjs/core/services/logger'
import { rateLimits } from '#config/limiter'
import { limiterOf, refusal } from '#infrastructure/rate_limits/rate_limiter'

const IP_WINDOW = '15m'
const LOCKOUT_MEMORY = '24h'

const pair = () =>
  limiterOf('shared', { requests: rateLimits.signIn.perEmailAndIp, duration: '1m' })
const address = () =>
  limiterOf('shared', { requests: rateLimits.signIn.perIp, duration: IP_WINDOW })
/* Lock-outs of one email and address over a day, to make each next one longer. */
const lockouts = () => limiterOf('shared', { requests: 1_000_000, duration: LOCKOUT_MEMORY })

const pairKey = (email: string, ip: string) => `sign_in:${email.toLowerCase()}|${ip}`
const ipKey = (ip: string) => `sign_in_ip:${ip}`
const lockoutKey = (email: string, ip: string) => `sign_in_lockouts:${email.toLowerCase()}|${ip}`

/* The n-th lock-out lasts lockout × 2^(n-1), at most maxLockout. */
function lockoutSeconds(n: number) {
  const base = string.seconds.parse(rateLimits.signIn.lockout)
  const max = string.seconds.parse(rateLimits.signIn.maxLockout)
  return Math.min(max, base * 2 ** Math.max(0, n - 1))
}

/*
 * Wrong passwords per email+address (5 a minute by default, then a lock-out
 * that doubles with each repeat within a day) and per address whatever the
 * email. A locked pair is refused before the password is even checked, so
 * the right password does not get through either.
 */
export const signInThrottle = {
  /* Throws the 429 while the email+address or the address is locked. */
  async check(email: string, ip: string) {
    if (!rateLimits.enabled) return
    const [byPair, byIp] = await Promise.all([
      pair().get(pairKey(email, ip)),
      address().get(ipKey(ip)),
    ])
    for (const state of [byPair, byIp]) {
      if (state && state.remaining <= 0 && state.availableIn > 0) throw refusal('sign_in', state)
    }
  },

  /* A wrong password: counted, and a lock-out once a limit is reached. */
  async failed(email: string, ip: string) {
    if (!rateLimits.enabled) return
    const byPair = await pair().increment(pairKey(email, ip))
    if (byPair.consumed >= byPair.limit) {
      const counted = await lockouts().increment(lockoutKey(email, ip))
      const n = counted.consumed
      const seconds = lockoutSeconds(n)
      await pair().block(pairKey(email, ip), seconds)
      logger.warn({ email, ip, lockout_seconds: seconds, lockouts: n }, 'sign-in locked out')
    }
    const byIp = await address().increment(ipKey(ip))
    if (byIp.consumed >= byIp.limit) {
      await address().block(ipKey(ip), IP_WINDOW)
      logger.warn({ ip, lockout: IP_WINDOW }, 'sign-in locked out for the address')
    }
  },

  /* The right password: the pair starts afresh (the day's lock-out count stays). */
  async succeeded(email: string, ip: string) {
    if (!rateLimits.enabled) return
    await pair().delete(pairKey(email, ip))
  },
}
