import { BusinessRefusal } from '#exceptions/business_refusal'

export interface RateLimitState {
  limit: number
  remaining: number
  /* Seconds until a request is accepted again. */
  availableIn: number
}

/*
 * Over a rate limit: 429 with Retry-After and the RateLimit-* fields
 * (CONTRACT.md, "Limits and hostile input"). Thrown before the request's
 * Idempotency-Key is claimed, so a 429 is never stored as its answer.
 */
export class TooManyRequestsException extends BusinessRefusal {
  static status = 429
  static code = 'E_TOO_MANY_REQUESTS'

  readonly headers: Record<string, string>

  constructor(readonly state: RateLimitState) {
    const seconds = Math.max(1, state.availableIn)
    super(`Too many requests: try again in ${seconds} second${seconds === 1 ? '' : 's'}`)
    this.headers = {
      'Retry-After': String(seconds),
      'RateLimit-Limit': String(state.limit),
      'RateLimit-Remaining': String(Math.max(0, state.remaining)),
      'RateLimit-Reset': String(seconds),
    }
  }
}
