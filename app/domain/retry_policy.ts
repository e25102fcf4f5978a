/*
 * Exponential backoff with full jitter and a cap: the wait before attempt
 * n + 1 is uniform in [0, min(maxMs, baseMs · 2^(n-1))], plus up to jitterMs
 * more so that retries of payouts that failed together spread out.
 */
export interface RetrySettings {
  maxAttempts: number
  baseMs: number
  maxMs: number
  jitterMs: number
}

export function backoffDelay(
  attempt: number,
  settings: RetrySettings,
  random: () => number = Math.random
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30)
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent)
  return Math.floor(random() * (ceiling + 1)) + Math.floor(random() * (settings.jitterMs + 1))
}

export function attemptsLeft(attempt: number, settings: RetrySettings) {
  return attempt < settings.maxAttempts
}

/*
 * The wait before the next status check of a payout the provider accepted as
 * pending: as long as it has waited so far (so checks thin out geometrically),
 * at least baseMs and at most maxMs, plus jitter. Never zero: a provider that
 * keeps answering pending must not be polled in a tight loop.
 */
export function statusCheckDelay(
  waitedMs: number,
  settings: RetrySettings,
  random: () => number = Math.random
): number {
  const wait = Math.min(settings.maxMs, Math.max(settings.baseMs, Math.floor(waitedMs)))
  return wait + Math.floor(random() * (settings.jitterMs + 1))
}
