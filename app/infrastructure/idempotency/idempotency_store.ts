import { randomUUID } from 'node:crypto'
import { direct, type Transaction } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'
import { IdempotencyKeyLostException } from '#exceptions/idempotency_exceptions'
import { unspanned } from '#infrastructure/tracing/spans'

export interface ClaimRequest {
  ownerId: string
  key: string
  fingerprint: string
  method: string
  path: string
  ttlHours: number
  staleAfterSeconds: number
}

/* A request's hold on its key; every later write names it. */
export interface Claim {
  ownerId: string
  key: string
  claimId: string
  /* True once an answer is stored under it. */
  sealed: boolean
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'in_flight' }
  | { kind: 'reused' }

interface KeyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  response_status: number | null
  response_body: string | null
}

const CLAIM_LOST = 'idempotency claim taken over'

/* A seal's statement failed because its claim was taken over (see sealWith). */
export function isClaimLost(error: unknown) {
  return (error as { code?: string })?.code === 'P0001' && (error as Error).message === CLAIM_LOST
}

function sealStatement(claim: Claim, status: number, body: string): [string, RawBindings] {
  return [
    `WITH sealed AS (
       UPDATE idempotency_keys
          SET state = 'completed', response_status = ?, response_body = ?, locked_at = now()
        WHERE owner_id = ? AND key = ? AND claim_id = ? AND state = 'in_flight'
       RETURNING 1)
     SELECT expect_one_row(count(*), '${CLAIM_LOST}') FROM sealed`,
    [status, body, claim.ownerId, claim.key, claim.claimId],
  ]
}

/*
 * Storage of Idempotency-Key claims and responses (table idempotency_keys).
 *
 * A key is claimed with one atomic upsert: it inserts a fresh claim, or takes
 * over a row that has expired, or one whose request has been in flight for
 * longer than the stale limit (same fingerprint only). Anything else leaves
 * the row alone, and the row then tells whether to replay, refuse as in use,
 * or refuse as reused. Every later write names the claim id, so a request
 * whose claim was taken over can neither store its response nor, when it
 * seals inside its own transaction, commit its effect.
 */
export class IdempotencyStore {
  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    const claimId = randomUUID()
    for (let round = 0; round < 3; round++) {
      // Bookkeeping like the seal, which travels unspanned with the COMMIT: a span
      // for it would cost every keyed write's trace more than it tells (ADR 0010).
      const claimed = await unspanned(() =>
        direct.rawQuery(
          `INSERT INTO idempotency_keys
           (owner_id, key, fingerprint, method, path, state, claim_id, locked_at, expires_at)
         VALUES (?, ?, ?, ?, ?, 'in_flight', ?, now(), now() + (? * interval '1 hour'))
         ON CONFLICT (owner_id, key) DO UPDATE
           SET fingerprint = EXCLUDED.fingerprint, method = EXCLUDED.method, path = EXCLUDED.path,
               state = 'in_flight', claim_id = EXCLUDED.claim_id, response_status = NULL,
               response_body = NULL, locked_at = now(), created_at = now(),
               expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at <= now()
              OR (idempotency_keys.state = 'in_flight'
                  AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
                  AND idempotency_keys.locked_at <= now() - (? * interval '1 second'))
         RETURNING claim_id`,
          [
            request.ownerId,
            request.key,
            request.fingerprint,
            request.method,
            request.path,
            claimId,
            request.ttlHours,
            request.staleAfterSeconds,
          ]
        )
      )
      if (claimed.rows[0]?.claim_id === claimId) {
        return {
          kind: 'claimed',
          claim: { ownerId: request.ownerId, key: request.key, claimId, sealed: false },
        }
      }

      const existing = await direct.rawQuery(
        `SELECT fingerprint, state, response_status, response_body
           FROM idempotency_keys WHERE owner_id = ? AND key = ?`,
        [request.ownerId, request.key]
      )
      const row = existing.rows[0] as KeyRow | undefined
      // Released between our two statements: try to claim it again.
      if (!row) continue
      if (row.fingerprint !== request.fingerprint) return { kind: 'reused' }
      if (row.state === 'completed') {
        return { kind: 'replay', status: row.response_status!, body: row.response_body! }
      }
      return { kind: 'in_flight' }
    }
    return { kind: 'in_flight' }
  }

  /*
   * Stores the answer under the claim, inside the transaction of the effect
   * it describes. A claim taken over meanwhile by a retry (see claim) fails
   * the statement (expect_one_row), so the effect rolls back instead of
   * applying twice; the seal can therefore travel with the COMMIT
   * (Transaction.defer), and the COMMIT throws the CLAIM_LOST error.
   */
  sealWith(trx: Transaction, claim: Claim, status: number, body: string) {
    trx.defer(...sealStatement(claim, status, body))
    trx.after('commit', () => (claim.sealed = true))
  }

  /* The same alone, for a refusal whose effect rolled back. */
  async seal(claim: Claim, status: number, body: string) {
    try {
      await direct.rawQuery(...sealStatement(claim, status, body))
    } catch (error) {
      throw isClaimLost(error) ? new IdempotencyKeyLostException() : error
    }
    claim.sealed = true
  }

  /* Forgets the key so the client may retry with it (5xx, auth, rate limit, validation). */
  async release(claim: Claim) {
    await direct.rawQuery(
      `DELETE FROM idempotency_keys WHERE owner_id = ? AND key = ? AND claim_id = ? AND state = 'in_flight'`,
      [claim.ownerId, claim.key, claim.claimId]
    )
  }

  async prune() {
    const result = await direct.rawQuery(`DELETE FROM idempotency_keys WHERE expires_at <= now()`)
    return result.rowCount ?? 0
  }
}
