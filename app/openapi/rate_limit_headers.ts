/* The headers of a 429 (CONTRACT.md, "Limits and hostile input"), for components.ts. */

const count = (description: string) => ({
  description,
  schema: { type: 'integer' as const, minimum: 0 },
})

export const RATE_LIMIT_HEADERS = {
  RetryAfter: count('Seconds to wait before retrying'),
  RateLimitLimit: count('Requests the limit allows in its window'),
  RateLimitRemaining: count('Requests left in the window (0 on a 429)'),
  RateLimitReset: count('Seconds until the window resets'),
}

export const TOO_MANY_REQUESTS_HEADERS = {
  'Retry-After': { $ref: '#/components/headers/RetryAfter' },
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimitLimit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimitRemaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimitReset' },
}
