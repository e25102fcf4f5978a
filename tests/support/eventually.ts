import { inspect } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'

type Falsy = undefined | null | false | 0 | ''

/*
 * Polls `probe` until it returns a truthy value, and returns that value. An
 * error the probe throws ends the wait at once (a probe can give up early).
 * On timeout the error names `what` and shows the last value the probe
 * returned, so a failure says what the test saw instead of only that it waited.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'the condition'
): Promise<Exclude<Awaited<T>, Falsy>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value as Exclude<Awaited<T>, Falsy>
    if (Date.now() > deadline) {
      const seen = inspect(value, { depth: 4, breakLength: Infinity })
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${seen}`)
    }
    await sleep(25)
  }
}
