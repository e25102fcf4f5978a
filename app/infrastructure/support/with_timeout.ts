/*
 * Resolves or rejects like `promise`, or rejects with `message` after `timeoutMs`.
 * The promise keeps running after a timeout: `onLate` receives a value that
 * arrives too late (a channel to close, say), and a late rejection is ignored.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  message: string,
  onLate?: (value: T) => unknown
): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let timedOut = false
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true
      reject(new Error(message))
    }, timeoutMs)
  })
  promise
    .then(
      async (value) => {
        if (timedOut && onLate) await onLate(value)
      },
      () => {}
    )
    .catch(() => {})
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
