import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import type { PayoutRecord } from '#domain/records'
import type { Transaction } from '#infrastructure/database/direct'
import { bindings } from '#infrastructure/database/bindings'
import { findPayout, recordPayoutEvent } from '#infrastructure/payouts/payout_store'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { isUuid } from '#domain/ids'
import { contradictsProviderResult } from '#domain/payout_state'
import { providerContradictions } from '#infrastructure/provider/metrics'

export interface ProviderEvent {
  event_id: string
  payout_id: string
  provider_reference: string
  status: 'succeeded' | 'failed'
  failure_code?: string | null
  failure_message?: string | null
}

/*
 * Applies a provider callback once: the event id is claimed in
 * provider_events and the payout moved in the same transaction, so a
 * repeated event (even a concurrent one, which waits on the primary key)
 * changes nothing. Only a PROCESSING payout is moved; an event for a payout
 * in any other state, or for an unknown payout, is recorded as ignored and
 * still answered 200 so the provider stops retrying it. One that contradicts
 * the payout's state (see contradictsProviderResult) also goes on its
 * timeline and into provider_contradictions_total.
 */
@inject()
export class ApplyProviderResult {
  constructor(private transitions: PayoutTransitions) {}

  /* True when the event changed the payout. */
  async handle(trx: Transaction, event: ProviderEvent): Promise<boolean> {
    const claimed = await trx.rawQuery(
      `INSERT INTO provider_events (event_id, payout_id, status, payload)
         VALUES (?, ?, ?, ?::jsonb)
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      bindings([event.event_id, event.payout_id, event.status, JSON.stringify(event)])
    )
    if (claimed.rows.length === 0) {
      logger.info({ event_id: event.event_id }, 'provider event already received')
      return false
    }

    const payoutId = event.payout_id.toLowerCase()
    const payout = isUuid(payoutId) ? await findPayout(trx, payoutId) : null
    const moved = payout
      ? await this.transitions.move(
          trx,
          payout.id,
          'PROCESSING',
          event.status === 'succeeded' ? 'COMPLETED' : 'FAILED',
          {
            actor: 'provider',
            providerReference: event.provider_reference,
            details: { event_id: event.event_id, provider_reference: event.provider_reference },
            ...(event.status === 'failed'
              ? {
                  failureCode: event.failure_code ?? 'provider_failed',
                  failureMessage:
                    event.failure_message ?? 'The provider reported the payout as failed',
                }
              : {}),
          }
        )
      : null

    if (!moved) {
      await trx.rawQuery(`UPDATE provider_events SET outcome = 'ignored' WHERE event_id = ?`, [
        event.event_id,
      ])
      if (payout && contradictsProviderResult(payout.status, event.status)) {
        await this.recordContradiction(trx, payout, event)
        return false
      }
      logger.warn(
        {
          event_id: event.event_id,
          payout_id: event.payout_id,
          event_status: event.status,
          payout_status: payout?.status ?? null,
        },
        payout
          ? 'provider event ignored: the payout is not processing'
          : 'provider event ignored: unknown payout'
      )
      return false
    }
    return true
  }

  /*
   * On the payout's timeline (where operators look), in a metric (to alert
   * on) and as an error in the log: the provider says the money went the
   * other way than the ledger does.
   */
  protected async recordContradiction(
    trx: Transaction,
    payout: PayoutRecord,
    event: ProviderEvent
  ) {
    await recordPayoutEvent(trx, {
      payoutId: payout.id,
      type: 'provider_contradiction',
      actor: 'provider',
      details: {
        event_id: event.event_id,
        provider_reference: event.provider_reference,
        reported: event.status,
        payout_status: payout.status,
        ...(event.failure_code ? { failure_code: event.failure_code } : {}),
      },
    })
    providerContradictions.inc({ reported: event.status })
    logger.error(
      {
        event_id: event.event_id,
        payout_id: payout.id,
        event_status: event.status,
        payout_status: payout.status,
      },
      'provider result contradicts the payout: reconcile it'
    )
  }
}
