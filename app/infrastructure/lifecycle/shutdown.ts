/*
 * Bounded shutdown. A process told to stop (SIGTERM from Kubernetes, Docker
 * or Ctrl-C) first stops taking work, then waits for work in progress, but
 * never longer than its grace period: the orchestrator's SIGKILL would
 * otherwise come in the middle of closing connections.
 */

/* Runs `stop` and resolves to true when it finished within `graceMs`, false when it did not (it keeps running). */
export async function stopWithin(graceMs: number, stop: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs)
  })
  try {
    return await Promise.race([stop().then(() => true as const), deadline])
  } finally {
    clearTimeout(timer)
  }
}

/*
 * The last resort: exits with `code` after `ms` unless the process has ended
 * by itself. The timer does not keep the process alive.
 */
export function exitAfter(ms: number, code: number, reason: string) {
  const timer = setTimeout(() => {
    process.stderr.write(`${reason}: exiting after ${ms} ms\n`)
    process.exit(code)
  }, ms)
  timer.unref()
  return timer
}
