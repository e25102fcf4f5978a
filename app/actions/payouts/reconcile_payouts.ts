import { inject } from '@adonisjs/core'
import logger from '@adonisjs/core/services/logger'
import payoutsConfig from '#config/payouts'
import { QUEUES } from '#domain/messages'
import type { PayoutRecord } from '#domain/records'
import { direct, type Transaction } from '#infrastructure/database/direct'
import { Inbox } from '#infrastructure/inbox/inbox'
import { Outbox } from '#infrastructure/outbox/outbox'
import {
  lockPayout,
  recordPayoutEvent,
  scheduleNextStep,
} from '#infrastructure/payouts/payout_store'
import { payoutMetrics } from '#infrastructure/payouts/metrics'
import { sweepThresholds, type SweepThresholds } from '#infrastructure/payouts/sweep_sql'
import { ProviderClient, type StatusResult } from '#infrastructure/provider/provider_client'
import { BrokerConnection } from '#infrastructure/rabbitmq/broker_connection'
import {
  lockPayoutIfFree,
  lockSweepable,
  type SweepReason,
} from '#queries/payouts/sweepable_payouts'
import { NextStep } from '#actions/payouts/next_step'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { PROCESS_CONSUMER } from '#actions/payouts/process_payout'
import { isoUtc, toDate } from '#transformers/json'

/* The timeline's actor of everything the sweeper does (`payouts:reconcile` included). */
export const SWEEPER_ACTOR = 'sweeper'

export type ReconcileAction = 'redispatched' | 'completed' | 'failed' | 'nothing'

export interface ReconcileResult {
  payoutId: string
  action: ReconcileAction
  /* Why the payout was taken; `requested` when an operator asked for this one. */
  reason: SweepReason | 'requested'
  /* The provider's answer when it was asked (stuck payouts). */
  providerStatus?: StatusResult['kind']
  /* Why nothing was done, when nothing was. */
  note?: string
}

/* Provider checks of stuck payouts run this many at a time. */
const CHECK_CONCURRENCY = 8

/*
 * The sweeper (docs/adr/0009): settles what a lost message or a crash left
 * behind, leader-free. Each kind is claimed with FOR UPDATE SKIP LOCKED, so
 * any number of workers (and `payouts:reconcile`) sweep side by side without
 * taking the same payout.
 *   - retry_overdue: a scheduled retry or status check later than the grace:
 *     re-dispatched straight to payouts.process; the lost copy is marked
 *     handled in the inbox, so if it ever arrives it changes nothing.
 *   - never_started: NEW, its command published long ago, never started, and
 *     payouts.process has nothing ready (so it is not queued behind a backlog):
 *     re-dispatched.
 *   - stuck: PROCESSING, nothing scheduled, no progress: the provider is asked.
 *     Paid: COMPLETED. Declined: FAILED, hold released. Anything else (not
 *     found, pending, unreachable): re-dispatched, and the worker's own rules
 *     apply (a payout is failed for lack of attempts only after the provider
 *     said it does not have it).
 * Every action is one transaction with its timeline event (actor `sweeper`).
 */
@inject()
export class ReconcilePayouts {
  constructor(
    private transitions: PayoutTransitions,
    private nextStep: NextStep,
    private inbox: Inbox,
    private provider: ProviderClient,
    private broker: BrokerConnection,
    private outbox: Outbox
  ) {}

  /* One sweep: up to `limit` payouts of each kind. */
  async handle(options: { limit?: number } = {}): Promise<ReconcileResult[]> {
    const limit = options.limit ?? payoutsConfig.sweeper.batch
    const thresholds = sweepThresholds()
    // Messages the relay should long have sent (a NEW payout's command among them) go out now.
    const relayed = await this.outbox.relayOnce(limit, thresholds.newAfterMs)
    if (relayed > 0) logger.warn({ relayed }, 'sweeper published outbox rows the relay left')
    const idle = await this.workQueueIdle()
    // Behind a backlog a released retry waits its turn: only one late by the stuck threshold is taken.
    const overdue = idle
      ? thresholds
      : { ...thresholds, graceMs: Math.max(thresholds.graceMs, thresholds.stuckAfterMs) }
    const results = await this.redispatchAll('retry_overdue', limit, overdue)
    if (idle) results.push(...(await this.redispatchAll('never_started', limit, thresholds)))
    results.push(...(await this.checkStuck(limit)))
    return results
  }

  /*
   * One payout now, thresholds aside (the console's "reconcile this payout
   * now"): a NEW or scheduled one is re-dispatched, a PROCESSING one with
   * nothing scheduled is checked with the provider; a final one is left alone.
   * `record` runs in the transaction that claims the payout (the console's
   * audit row), with what is about to be done.
   */
  async one(
    payoutId: string,
    actor = SWEEPER_ACTOR,
    record?: (
      trx: Transaction,
      payout: PayoutRecord,
      step: 'redispatch' | 'check'
    ) => void | Promise<void>
  ): Promise<ReconcileResult> {
    const nothing = (note: string): ReconcileResult => ({
      payoutId,
      action: 'nothing',
      reason: 'requested',
      note,
    })
    const claim = await direct.transaction(async (trx) => {
      const payout = await lockPayoutIfFree(trx, payoutId)
      if (!payout) return nothing('unknown, or being worked on right now')
      if (payout.status === 'NEW' || (payout.status === 'PROCESSING' && payout.nextAttemptAt)) {
        await record?.(trx, payout, 'redispatch')
        return this.redispatch(trx, payout, 'requested', actor)
      }
      if (payout.status !== 'PROCESSING') return nothing(`already ${payout.status}`)
      await record?.(trx, payout, 'check')
      return this.claimForCheck(trx, payout)
    })
    if ('action' in claim) return claim
    return this.checkAndSettle(claim, 'requested', actor)
  }

  protected async redispatchAll(reason: SweepReason, limit: number, thresholds: SweepThresholds) {
    return direct.transaction(async (trx) => {
      const results: ReconcileResult[] = []
      for (const payout of await lockSweepable(trx, reason, limit, thresholds)) {
        results.push(await this.redispatch(trx, payout, reason, SWEEPER_ACTOR))
      }
      return results
    })
  }

  /*
   * `payout.process` straight to the work queue, and the payout now waits for
   * that message only; the copy it replaces is marked handled in the inbox.
   */
  protected async redispatch(
    trx: Transaction,
    payout: PayoutRecord,
    reason: ReconcileResult['reason'],
    actor: string,
    extra: Record<string, unknown> = {}
  ): Promise<ReconcileResult> {
    const replaced = payout.nextMessageId ?? null
    if (replaced) await this.inbox.mark(trx, PROCESS_CONSUMER, replaced)
    // A retry is the next attempt; a status check or a NEW payout's first try keeps the count.
    const attempt =
      payout.status === 'NEW'
        ? 1
        : payout.awaitingProviderSince
          ? payout.attempts
          : payout.attempts + 1
    const messageId = await this.nextStep.now(trx, payout.id, { attempt })
    await recordPayoutEvent(trx, {
      payoutId: payout.id,
      type: 'sweeper_redispatched',
      actor,
      details: {
        reason,
        attempt,
        message_id: messageId,
        ...(replaced ? { replaced_message_id: replaced } : {}),
        ...(payout.nextAttemptAt ? { due_at: isoUtc(payout.nextAttemptAt) } : {}),
        ...extra,
      },
    })
    this.count(trx, 'redispatched', reason)
    return { payoutId: payout.id, action: 'redispatched', reason }
  }

  protected async checkStuck(limit: number) {
    const claims = await direct.transaction(async (trx) => {
      const claimed = []
      for (const payout of await lockSweepable(trx, 'stuck', limit)) {
        claimed.push(await this.claimForCheck(trx, payout))
      }
      return claimed
    })
    const results: ReconcileResult[] = []
    for (let i = 0; i < claims.length; i += CHECK_CONCURRENCY) {
      const batch = claims.slice(i, i + CHECK_CONCURRENCY)
      results.push(
        ...(await Promise.all(batch.map((claim) => this.checkAndSettle(claim, 'stuck'))))
      )
    }
    return results
  }

  /*
   * The provider is asked outside any transaction, so the claim is a lease
   * written on the payout: a next step due once the check could be over. If
   * this process dies mid-check, the lease turns overdue and the next sweep
   * re-dispatches the payout; if anything else moves or schedules it
   * meanwhile, the lease no longer matches and the check's answer is dropped.
   */
  protected async claimForCheck(trx: Transaction, payout: PayoutRecord) {
    const leaseAt = new Date(Date.now() + 2 * payoutsConfig.provider.timeoutMs)
    await scheduleNextStep(trx, payout.id, {
      at: leaseAt,
      attempt: payout.attempts,
      messageId: null,
    })
    return { payout, leaseAt }
  }

  protected async checkAndSettle(
    claim: { payout: PayoutRecord; leaseAt: Date },
    reason: ReconcileResult['reason'],
    actor = SWEEPER_ACTOR
  ): Promise<ReconcileResult> {
    const { payout: claimed, leaseAt } = claim
    const status = await this.provider.status(claimed.id)
    const result = { payoutId: claimed.id, reason, providerStatus: status.kind }
    return direct.transaction(async (trx): Promise<ReconcileResult> => {
      const payout = await lockPayout(trx, claimed.id)
      const leaseHeld =
        payout?.status === 'PROCESSING' &&
        !payout.nextMessageId &&
        payout.nextAttemptAt &&
        toDate(payout.nextAttemptAt).getTime() === leaseAt.getTime()
      if (!payout || !leaseHeld) {
        return { ...result, action: 'nothing', note: 'moved or rescheduled meanwhile' }
      }
      const details = { reason, provider_status: status.kind, attempt: payout.attempts }
      if (status.kind === 'succeeded' || status.kind === 'declined') {
        const to = status.kind === 'succeeded' ? 'COMPLETED' : 'FAILED'
        await this.transitions.move(trx, payout.id, 'PROCESSING', to, {
          actor,
          details,
          ...(status.kind === 'succeeded'
            ? { providerReference: status.providerReference }
            : { failureCode: status.failureCode, failureMessage: status.failureMessage }),
        })
        const action = to === 'COMPLETED' ? 'completed' : 'failed'
        this.count(trx, action, reason)
        return { ...result, action }
      }
      if (status.kind === 'transient') {
        logger.warn({ payout_id: payout.id, error: status.reason }, 'sweeper: provider unreachable')
      }
      const redispatched = await this.redispatch(trx, payout, reason, actor, {
        provider_status: status.kind,
      })
      return { ...redispatched, providerStatus: status.kind }
    })
  }

  /*
   * Whether payouts.process holds no ready message: NEW payouts older than the
   * threshold are then not queued behind a backlog but lost. Unknown (broker
   * unreachable) counts as not idle.
   */
  protected async workQueueIdle() {
    try {
      const channel = await this.broker.openChannel('sweeper')
      try {
        const { messageCount } = await channel.checkQueue(QUEUES.process)
        return messageCount === 0
      } finally {
        await channel.close().catch(() => {})
      }
    } catch (error) {
      logger.warn({ err: error }, 'sweeper: work queue depth unknown; NEW payouts left for later')
      return false
    }
  }

  protected count(trx: Transaction, action: ReconcileAction, reason: ReconcileResult['reason']) {
    trx.after('commit', () => payoutMetrics.sweeperActions.inc({ action, reason }))
  }
}
