import type { SqlClient } from '#infrastructure/database/direct'
import type { IdempotencyStore } from '#infrastructure/idempotency/idempotency_store'
import { IdempotencyKeyLostException } from '#exceptions/idempotency_exceptions'

/*
 * The claim a request holds on its Idempotency-Key. An action that changes
 * state seals the claim inside its own transaction, so the stored response
 * commits together with the effect: a crash after commit replays, and a
 * request whose stale claim was taken over rolls back instead of applying
 * twice.
 */
export class IdempotencyClaim {
  sealed = false

  constructor(
    private store: IdempotencyStore,
    readonly ownerId: string,
    readonly key: string,
    readonly claimId: string
  ) {}

  async seal(trx: SqlClient, status: number, body: string) {
    const stored = await this.store.complete(
      trx,
      this.ownerId,
      this.key,
      this.claimId,
      status,
      body
    )
    if (!stored) throw new IdempotencyKeyLostException()
    this.sealed = true
  }
}
