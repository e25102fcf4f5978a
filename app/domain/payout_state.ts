import { InvalidStateException } from '#exceptions/payout_exceptions'

/*
 * The payout state machine: the only moves there are. Everything that
 * changes a payout's status asks this module first and then applies the move
 * with `UPDATE … WHERE status = <from>` (see PayoutTransitions), so two racers
 * cannot both win.
 */
export const PAYOUT_STATUSES = ['NEW', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED'] as const
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]

const MOVES: Record<PayoutStatus, readonly PayoutStatus[]> = {
  NEW: ['PROCESSING', 'CANCELED'],
  PROCESSING: ['COMPLETED', 'FAILED'],
  // Only an operator's replay takes a failed payout back to processing (funds re-held).
  FAILED: ['PROCESSING'],
  COMPLETED: [],
  CANCELED: [],
}

export function canMove(from: PayoutStatus, to: PayoutStatus): boolean {
  return MOVES[from].includes(to)
}

export function assertMove(from: PayoutStatus, to: PayoutStatus) {
  if (!canMove(from, to)) {
    throw new InvalidStateException(`A ${from} payout cannot become ${to}`)
  }
}

/* Statuses whose funds are held on the account (amount + fee). */
export function holdsFunds(status: PayoutStatus) {
  return status === 'NEW' || status === 'PROCESSING'
}

/*
 * What a move does to the account: a hold is taken when funds start being
 * reserved again (an operator's replay of a FAILED payout), and given back
 * when the payout fails or is canceled. COMPLETED keeps the hold: it is the
 * final debit of the money that left.
 */
export function ledgerEffect(from: PayoutStatus, to: PayoutStatus): 'hold' | 'release' | null {
  if (holdsFunds(from) && (to === 'FAILED' || to === 'CANCELED')) return 'release'
  if (!holdsFunds(from) && holdsFunds(to)) return 'hold'
  return null
}

/*
 * A provider result that contradicts where the payout stands, so money and
 * ledger may disagree: paid out for a payout we failed, canceled or never
 * sent, or failed for one we completed. It cannot move the payout (only a
 * PROCESSING one moves); an operator has to reconcile it.
 */
export function contradictsProviderResult(status: PayoutStatus, reported: 'succeeded' | 'failed') {
  if (reported === 'succeeded') return status !== 'PROCESSING' && status !== 'COMPLETED'
  return status === 'COMPLETED'
}

/* Routing key of the event announcing that a payout entered `status`. */
export function eventFor(status: PayoutStatus) {
  return `payout.${status.toLowerCase()}` as const
}
