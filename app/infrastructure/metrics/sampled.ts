/*
 * A database reading shared by the gauges of one scrape: `read` runs at most
 * once per `maxAgeMs`, and a failed read reports `fallback` instead of failing
 * the whole /metrics answer.
 */
export function sampled<T>(read: () => Promise<T>, fallback: T, maxAgeMs = 1000) {
  let cached: { at: number; value: Promise<T> } | null = null
  return () => {
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.value
    const value = read().catch(() => fallback)
    cached = { at: Date.now(), value }
    return value
  }
}
