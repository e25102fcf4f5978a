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
  options: LimiterConsumptionOptions
) {
  if (!rateLimits.enabled) return
  try {
    await limiterOf(store, options).consume(`${name}:${key}`)
  } catch (error) {
    if (error instanceof errors.E_TOO_MANY_REQUESTS) throw refusal(name, error.response)
    throw error
  }
}

/* API requests of one token: a burst per second in this process, a sustained rate shared. */
export async function throttleApi(tokenId: string) {
  const { burstPerSecond, perMinute } = rateLimits.api
  await consume('api', `burst:${tokenId}`, 'local', { requests: burstPerSecond, duration: 1 })
  await consume('api', tokenId, 'shared', { requests: perMinute, duration: 60 })
}

/* Provider callbacks from one address. */
export function throttleWebhook(ip: string) {
  return consume('webhook', ip, 'shared', {
    requests: rateLimits.webhook.perMinute,
    duration: 60,
  })
}
