import type { InFlightMessage } from '#infrastructure/worker/worker_state'

/*
 * The messages this process is handling right now, for its heartbeat (the
 * workers page shows each with its payout and age).
 */
export class InFlight {
  readonly #messages = new Map<object, InFlightMessage>()

  async track<T>(
    entry: { queue: string; messageId: string; payoutId?: unknown },
    work: () => Promise<T>
  ): Promise<T> {
    const key = {}
    this.#messages.set(key, {
      queue: entry.queue,
      message_id: entry.messageId,
      payout_id: typeof entry.payoutId === 'string' ? entry.payoutId : null,
      since: new Date().toISOString(),
    })
    try {
      return await work()
    } finally {
      this.#messages.delete(key)
    }
  }

  /* At most `limit` of them, oldest first: a heartbeat stays small whatever the prefetch. */
  list(limit = 100) {
    return [...this.#messages.values()].slice(0, limit)
  }
}
