import { randomUUID } from 'node:crypto'
import { DateTime } from 'luxon'
import factory from '@adonisjs/lucid/factories'
import DeadLetter from '#models/dead_letter'

/*
 * An open dead letter of a `payout.process` message that exhausted its one
 * attempt against an unavailable provider, with a unique message id. Merge
 * `payoutId`/`accountId`/`payload` to tie it to a payout.
 *
 * States: `replayed`, `discarded` (resolved by `user:test` now).
 */
export const DeadLetterFactory = factory
  .define(DeadLetter, () => ({
    messageId: `dlq-test-${randomUUID()}`,
    queue: 'payouts.process',
    routingKey: 'payout.process',
    reason: 'exhausted',
    errorCode: 'provider_unavailable',
    attempts: 1,
    lastError: 'Provider answered 503 (attempt 1)',
    errors: [],
    payload: {},
    headers: {},
    status: 'open' as const,
  }))
  .state('replayed', (letter) => {
    letter.merge({ status: 'replayed', resolvedBy: 'user:test', resolvedAt: DateTime.now() })
  })
  .state('discarded', (letter) => {
    letter.merge({ status: 'discarded', resolvedBy: 'user:test', resolvedAt: DateTime.now() })
  })
  .before('create', (_, letter) => {
    // The jsonb columns take JSON text: pg would send a JS array as a Postgres array.
    for (const column of ['errors', 'payload', 'headers'] as const) {
      letter.$attributes[column] = JSON.stringify(letter[column])
    }
  })
  .after('create', async (_, letter) => {
    // Reads back the database defaults (timestamps) and the jsonb columns as values.
    await letter.refresh()
  })
  .build()
