import { assertMove, type PayoutStatus } from '#domain/payout_state'

/*
 * Rebuilds the status from a payout's events, oldest first, checking every
 * step against the state machine. Returns null for an empty timeline. Tests
 * use it to assert that a payout's timeline is consistent.
 */
export function statusFromTimeline(
  events: { from_status: string | null; to_status: string | null }[]
): PayoutStatus | null {
  let status: PayoutStatus | null = null
  for (const event of events) {
    if (!event.to_status) continue
    const to = event.to_status as PayoutStatus
    if (status === null) {
      if (to !== 'NEW' || event.from_status !== null) throw new Error('timeline must start at NEW')
    } else {
      if (event.from_status !== status)
        throw new Error(`event from ${event.from_status} at ${status}`)
      assertMove(status, to)
    }
    status = to
  }
  return status
}
