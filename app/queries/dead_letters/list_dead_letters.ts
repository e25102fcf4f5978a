import type { DeadLetterStatus } from '#models/dead_letter'
import { deadLetterQuery, type DeadLetterFilter } from '#queries/dead_letters/dead_letter_query'
import { paginate, type PageRequest } from '#queries/support/cursor'

export type DeadLetterCounts = Record<DeadLetterStatus | 'all', number>

/*
 * One page of dead letters (newest first) for the operator dashboard, with
 * how many match the same filter in each status, for the tabs.
 */
export class ListDeadLetters {
  async handle(filter: DeadLetterFilter, page: PageRequest) {
    const everyStatus = { ...filter, status: undefined }
    const [result, grouped] = await Promise.all([
      paginate(deadLetterQuery(filter), page, 'dead_letters', filter),
      deadLetterQuery(everyStatus)
        .select('status')
        .count('* as total')
        .groupBy('status')
        .pojo<{ status: DeadLetterStatus; total: string }>(),
    ])
    const counts: DeadLetterCounts = { open: 0, replayed: 0, discarded: 0, all: 0 }
    for (const row of grouped) {
      counts[row.status] = Number(row.total)
      counts.all += Number(row.total)
    }
    return { rows: result.rows, nextCursor: result.nextCursor, counts }
  }
}
