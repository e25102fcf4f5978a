import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import payoutsConfig from '#config/payouts'
import { startMockProvider } from '#tests/support/provider'
import { eventually } from '#tests/support/eventually'
import type {
  MockProviderOptions,
  MockProviderServer,
} from '#dev/mock_provider/mock_provider_server'
import { PayoutWorker } from '#consumers/payout_worker'
import type Account from '#models/account'
import { CreatePayout } from '#actions/payouts/create_payout'
import { direct } from '#infrastructure/database/direct'

/* One payout of `amount` (10.00 unless given) from the account per recipient, through the real action. */
export async function createPayoutsFrom(account: Account, recipients: string[], amount = 1000n) {
  const create = await app.container.make(CreatePayout)
  const ids: string[] = []
  for (const recipientDetails of recipients) {
    const payout = await direct.transaction((trx) =>
      create.handle(trx, { account, amount, recipientDetails, actor: 'test' })
    )
    ids.push(payout.id)
  }
  return ids
}

/* The mock provider on the port the test configuration points PROVIDER_URL at. */
export function startConfiguredMockProvider(overrides: Partial<MockProviderOptions> = {}) {
  const config = payoutsConfig.mockProvider
  return startMockProvider({
    port: config.port,
    slowDelayMs: config.slowDelayMs,
    webhookUrl: config.webhookUrl,
    webhookDelayMs: config.webhookDelayMs,
    webhookSecret: payoutsConfig.provider.webhookSecrets[0],
    ...overrides,
  })
}

/* The real worker, in this process, on the real broker and database. */
export async function startWorker() {
  const worker = await app.container.make(PayoutWorker)
  await worker.start()
  return worker
}

/* After a test: the worker it started, if any, stops before the mock provider it was calling. */
export async function stopWorkerAndProvider(provider: MockProviderServer, worker?: PayoutWorker) {
  await worker?.stop()
  await provider.stop()
}

export async function payoutStatuses(ids: string[]) {
  const result = await db.rawQuery(
    `SELECT id, status, attempts, failure_code FROM payouts WHERE id = ANY(?::uuid[])`,
    [`{${ids.join(',')}}`]
  )
  return new Map(
    (
      result.rows as { id: string; status: string; attempts: number; failure_code: string | null }[]
    ).map((row) => [row.id, row])
  )
}

/* Waits until none of the payouts is NEW or PROCESSING; a timeout names those still open. */
export async function waitUntilSettled(ids: string[], timeoutMs = 30_000) {
  let open: { id: string; status: string; attempts: number }[] = []
  try {
    return await eventually(
      async () => {
        const statuses = await payoutStatuses(ids)
        open = [...statuses.values()].filter((p) => p.status === 'NEW' || p.status === 'PROCESSING')
        return open.length === 0 && statuses.size === ids.length ? statuses : null
      },
      timeoutMs,
      'payouts to settle'
    )
  } catch (error) {
    // Each open payout with its recipient and timeline, so a CI log shows where it stopped.
    const result = await db.rawQuery(
      `SELECT p.id, p.status, p.attempts, p.recipient_details,
              string_agg(e.type || coalesce(':' || e.to_status, ''), ' > ' ORDER BY e.id) AS timeline
         FROM payouts p LEFT JOIN payout_events e ON e.payout_id = p.id
        WHERE p.id = ANY(?::uuid[]) GROUP BY p.id`,
      [`{${open.map((p) => p.id).join(',')}}`]
    )
    const details = (
      result.rows as {
        id: string
        status: string
        attempts: number
        recipient_details: string
        timeline: string
      }[]
    ).map(
      (p) =>
        `${p.id} (${p.recipient_details}) ${p.status} after ${p.attempts} attempt(s): ${p.timeline}`
    )
    throw new Error(`${(error as Error).message}; still open: ${details.join('; ')}`)
  }
}
