import { inject } from '@adonisjs/core'
import { ResolveDeadLetter } from '#actions/dead_letters/resolve_dead_letter'
import { direct } from '#infrastructure/database/direct'
import { deadLetterQuery, type DeadLetterFilter } from '#queries/dead_letters/dead_letter_query'
import { BusinessRefusal } from '#exceptions/business_refusal'
import { audited, type AuditOrigin } from '#infrastructure/audit/audit_log'
import { deadLetterResolved } from '#infrastructure/audit/audit_facts'

export interface BulkResult {
  done: string[]
  refused: { id: string; code: string; message: string }[]
}

/*
 * Replays or discards every open dead letter matching a filter, each in its
 * own transaction: one that cannot go (funds now short, payout already
 * settled) is reported and the others still proceed. Each is audited in
 * its own transaction, as `origin`.
 */
@inject()
export class ResolveDeadLetters {
  constructor(private single: ResolveDeadLetter) {}

  async handle(action: 'replay' | 'discard', filter: DeadLetterFilter, origin: AuditOrigin) {
    const rows = await deadLetterQuery({ ...filter, status: 'open' })
      .select('id')
      .orderBy('created_at', 'asc')
      .limit(10_000)
    const result: BulkResult = { done: [], refused: [] }
    for (const { id } of rows) {
      try {
        await this.one(action, id, origin)
        result.done.push(id)
      } catch (error) {
        if (!(error instanceof BusinessRefusal)) throw error
        result.refused.push({ id, code: error.code!, message: error.message })
      }
    }
    return result
  }

  /* One dead letter in its own transaction, audited as `origin`. */
  one(action: 'replay' | 'discard', id: string, origin: AuditOrigin) {
    return direct.transaction((trx) =>
      audited(trx, origin, deadLetterResolved(action), () =>
        this.single[action](trx, id, origin.actor)
      )
    )
  }
}
