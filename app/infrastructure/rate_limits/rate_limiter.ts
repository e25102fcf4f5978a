import limiter from '@adonisjs/limiter/services/main'
import { errors, type LimiterResponse } from '@adonisjs/limiter'
import type { LimiterConsumptionOptions } from '@adonisjs/limiter/types'
import { rateLimits } from '#config/limiter'
import { rateLimitRefusals } from '#infrastructure/rate_limits/metrics'
import { TooManyRequestsException } from '#exceptions/rate_limit_exceptions'

export type LimitName = 'api' | 'sign_in' | 'webhook'

/* The 429 for a limiter's answer, counted. */
export function refusal(name: LimitName, response: LimiterResponse) {
  rateLimitRefusals.inc({ limit: name })
  return new TooManyRequestsException(response)
}

/* The shared store (PostgreSQL by default) or this process's memory. */
export function limiterOf(store: 'shared' | 'local', options: LimiterConsumptionOptions) {
  return store === 'local' ? limiter.use('memory', options) : limiter.use(options)
}

/*
 * Takes one request from `key` under the limit; over it, throws the 429.
 * Keys carry their limit's name: limiters with different options share the
 * store's table.
 */
export async function consume(
  name: LimitName,
  key: string,
  store: 'shared' | 'local',
  options: LimiterConsumptionOptions,
  amount = 1
) {
  if (!rateLimits.enabled) return
  try {
    await limiterOf(store, options).consume(`${name}:${key}`, amount)
  } catch (error) {
    if (error instanceof errors.E_TOO_MANY_REQUESTS) throw refusal(name, error.response)
    throw error
  }
}

/*
 * The sustained API limit is shared by every web process, but one upsert per
 * request doubled the database work of a read and cost the create path 12 %
 * of its rate. So a process takes a lease of requests from the shared count
 * at once (1 % of the limit, at most LEASE_MAX, 1 under a small limit, so
 * small limits stay exact) and spends it locally for up to LEASE_MS. A
 * lease counts its requests in advance: a token is refused at most
 * lease-size early per process, never late.
 */
const LEASE_MAX = 50
const LEASE_MS = 5_000
const leases = new Map<string, { left: number; until: number }>()
/* One refill at a time per token: concurrent requests wait for it instead of each taking a lease. */
const refills = new Map<string, Promise<void>>()

async function takeSustained(tokenId: string, perMinute: number) {
  const size = Math.max(1, Math.min(LEASE_MAX, Math.floor(perMinute / 100)))
  if (size === 1) return consume('api', tokenId, 'shared', { requests: perMinute, duration: 60 })
  // A changed limit starts new leases.
  const key = `${tokenId}:${perMinute}`
  for (;;) {
    const lease = leases.get(key)
    if (lease && lease.left > 0 && lease.until > Date.now()) {
      lease.left -= 1
      return
    }
    let refill = refills.get(key)
    if (!refill) {
      // A 429 rejects the refill, and with it every request waiting on it.
      refill = consume('api', tokenId, 'shared', { requests: perMinute, duration: 60 }, size)
        .then(() => {
          // Tokens come and go; forget the leases now and then.
          if (leases.size > 10_000) leases.clear()
          leases.set(key, { left: size, until: Date.now() + LEASE_MS })
        })
        .finally(() => refills.delete(key))
      refills.set(key, refill)
    }
    await refill
  }
}

/* API requests of one token: a burst per second in this process, a sustained rate shared. */
export async function throttleApi(tokenId: string) {
  const { burstPerSecond, perMinute } = rateLimits.api
  await consume('api', `burst:${tokenId}`, 'local', { requests: burstPerSecond, duration: 1 })
  await takeSustained(tokenId, perMinute)
}

/* Provider callbacks from one address. */
export function throttleWebhook(ip: string) {
  return consume('webhook', ip, 'shared', {
    requests: rateLimits.webhook.perMinute,
    duration: 60,
  })
}
