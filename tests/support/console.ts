import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { CancelPayout } from '#actions/payouts/cancel_payout'
import { direct } from '#infrastructure/database/direct'
import { ProviderWebhookSignature } from '#infrastructure/provider/webhook_signature'
import { PayoutTransitions } from '#actions/payouts/payout_transitions'
import { CreatePayout } from '#actions/payouts/create_payout'
import Account from '#models/account'
import { AccountFactory } from '#database/factories/account_factory'
import { PayoutFactory } from '#database/factories/payout_factory'
import type { MockProviderServer } from '#dev/mock_provider/mock_provider_server'
import { eventually } from '#tests/support/eventually'
import { clientFor } from '#tests/support/provider'

/*
 * A payout canceled here that the provider then reports as paid, through a
 * real signed callback: one provider contradiction on its timeline.
 */
export async function contradictedPayout() {
  const account = await AccountFactory.apply('funded').create()
  const payout = await PayoutFactory.merge({ accountId: account.id }).create()
  const cancel = await app.container.make(CancelPayout)
  await direct.transaction((trx) => cancel.handle(trx, { payoutId: payout.id, actor: 'test' }))
  const raw = JSON.stringify({
    event_id: `evt_${randomUUID()}`,
    payout_id: payout.id,
    provider_reference: `prv_${randomUUID()}`,
    status: 'succeeded',
  })
  const signature = new ProviderWebhookSignature(payoutsConfig.provider.webhookSecrets).sign(raw)
  const delivered = await fetch(`http://localhost:${process.env.PORT}/webhooks/provider`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Provider-Signature': signature },
    body: raw,
  })
  if (delivered.status !== 200) throw new Error(`webhook answered ${delivered.status}`)
  const event = await db
    .from('payout_events')
    .where({ payout_id: payout.id, type: 'provider_contradiction' })
    .firstOrFail()
  return { payout, eventId: String(event.id) }
}

export const payoutRow = (id: string) => db.from('payouts').where('id', id).firstOrFail()

/* A 10.00 payout of a funded account of its own, through the real action. */
export async function createPayout(recipientDetails: string) {
  const { id } = await AccountFactory.merge({ balance: 100_000n }).create()
  const account = await Account.findOrFail(id)
  const create = await app.container.make(CreatePayout)
  return direct.transaction((trx) =>
    create.handle(trx, { account, amount: 1000n, recipientDetails, actor: 'test' })
  )
}

/*
 * Waits until the payout's attempt `attempt` is scheduled (the one before it
 * failed); a timeout shows the payout's row and timeline.
 */
export async function waitingForAttempt(id: string, attempt: number, timeoutMs = 20_000) {
  try {
    return await eventually(
      async () => {
        const row = await payoutRow(id)
        return row.next_message_id && row.next_attempt === attempt ? row : null
      },
      timeoutMs,
      `attempt ${attempt} to be scheduled`
    )
  } catch (error) {
    const row = await payoutRow(id)
    const events = await db.from('payout_events').where('payout_id', id).orderBy('id')
    const timeline = events.map((event) => `${event.type}:${JSON.stringify(event.details)}`)
    throw new Error(
      `${(error as Error).message}; payout ${row.status} attempts=${row.attempts} next=${row.next_attempt}; ${timeline.join(' > ')}`
    )
  }
}

/*
 * A payout a worker moved to PROCESSING and then lost the message of, long
 * ago, that the provider did pay: what the sweeper calls stuck.
 */
export async function stuckPayout(provider: MockProviderServer) {
  const payout = await createPayout('IBAN stuck')
  const transitions = await app.container.make(PayoutTransitions)
  await direct.transaction((trx) =>
    transitions.move(trx, payout.id, 'NEW', 'PROCESSING', { actor: 'worker', countAttempt: true })
  )
  await db
    .from('payouts')
    .where('id', payout.id)
    .update({ updated_at: new Date(Date.now() - 10 * 60_000) })
  await clientFor(provider).pay({
    payoutId: payout.id,
    amount: '10.00',
    currency: 'EUR',
    recipientDetails: 'IBAN stuck',
  })
  return payout
}
