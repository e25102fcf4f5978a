import { inject } from '@adonisjs/core'
import type { PayoutRecord } from '#domain/records'
import { direct, type Transaction } from '#infrastructure/database/direct'
import { Inbox } from '#infrastructure/inbox/inbox'
import { findPayout, lockPayout } from '#infrastructure/payouts/payout_store'
import { ProviderClient } from '#infrastructure/provider/provider_client'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { PROCESS_CONSUMER } from '#actions/payouts/process_payout'
import { InvalidStateException, PayoutNotFoundException } from '#exceptions/payout_exceptions'

export interface GiveUpInput {
  payoutId: string
  actor: string
}

export const GIVEN_UP_CODE = 'given_up'

/*
 * An operator stops retrying a payout that waits for its next attempt: it is
 * FAILED and its hold released, but only once the provider answered that it
 * does not have it (`not_found`), as the worker does when attempts run out:
 * otherwise an earlier call may have paid, and releasing the hold could pay
 * the amount twice. The provider is asked first, outside any transaction;
 * the transaction then refuses if the payout moved meanwhile (another
 * attempt started or was scheduled). The scheduled message is marked
 * handled, so when the delay queue releases it the worker only acks it.
 */
@inject()
export class GiveUpPayout {
  constructor(
    private provider: ProviderClient,
    private transitions: PayoutTransitions,
    private inbox: Inbox
  ) {}

  /* `record` runs in the transaction that fails the payout (the console's audit row). */
  async handle(
    input: GiveUpInput,
    record: (trx: Transaction, failed: PayoutRecord) => void | Promise<void> = () => {}
  ) {
    const scheduled = await findPayout(direct, input.payoutId)
    if (!scheduled) throw new PayoutNotFoundException()
    if (scheduled.status !== 'PROCESSING' || !scheduled.nextMessageId) {
      throw new InvalidStateException(
        `Only a payout waiting for a retry can be given up; this one is ${scheduled.status}`
      )
    }
    const status = await this.provider.status(input.payoutId)
    if (status.kind !== 'not_found') {
      const said = status.kind === 'transient' ? 'could not be asked' : `says ${status.kind}`
      throw new InvalidStateException(
        `Not given up: the provider ${said}; only a payout it does not have can be given up`
      )
    }
    return direct.transaction(async (trx) => {
      const failed = await this.commit(trx, input, scheduled)
      await record(trx, failed)
      return failed
    })
  }

  protected async commit(trx: Transaction, input: GiveUpInput, scheduled: PayoutRecord) {
    const payout = await lockPayout(trx, input.payoutId)
    const unchanged =
      payout?.status === 'PROCESSING' &&
      payout.nextMessageId === scheduled.nextMessageId &&
      payout.attempts === scheduled.attempts
    if (!payout || !unchanged) {
      throw new InvalidStateException('Not given up: the payout moved meanwhile; look again')
    }
    await this.inbox.mark(trx, PROCESS_CONSUMER, payout.nextMessageId!)
    const failed = await this.transitions.move(trx, payout.id, 'PROCESSING', 'FAILED', {
      actor: input.actor,
      failureCode: GIVEN_UP_CODE,
      failureMessage: `Given up by an operator after ${payout.attempts} attempts; the provider does not have it`,
      details: { attempt: payout.attempts, provider_status: 'not_found', given_up: true },
    })
    if (!failed) throw new InvalidStateException('Not given up: the payout moved meanwhile')
    return failed
  }
}
