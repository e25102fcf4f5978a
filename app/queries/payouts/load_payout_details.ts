import Account from '#models/account'
import LedgerEntry from '#models/ledger_entry'
import Payout from '#models/payout'
import PayoutEvent from '#models/payout_event'
import { actorNames } from '#queries/users/actor_names'
import { traceLink } from '#infrastructure/tracing/trace_link'

/*
 * Everything the payout page shows: the payout, its account, its timeline
 * (oldest event first) and the ledger entries it caused, with the emails of
 * the operators named as actors. An unknown id is a 404.
 */
export class LoadPayoutDetails {
  async handle(payoutId: string) {
    const payout = await Payout.findOrFail(payoutId)
    const [account, events, entries] = await Promise.all([
      Account.findOrFail(payout.accountId),
      PayoutEvent.query().where('payout_id', payout.id).orderBy('id', 'asc'),
      LedgerEntry.query()
        .where('payout_id', payout.id)
        .orderBy('created_at', 'asc')
        .orderBy('seq', 'asc'),
    ])
    const actors = await actorNames([
      payout.createdBy,
      ...events.map((event) => event.actor),
      ...entries.map((entry) => entry.actor),
    ])
    return { payout, account, events, entries, actors, trace: traceLink(payout.traceparent) }
  }
}
