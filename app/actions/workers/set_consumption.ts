import type { Transaction } from '#infrastructure/database/direct'
import { setQueuePaused } from '#infrastructure/worker/worker_state'
import { QUEUES } from '#domain/messages'
import { BadRequestException } from '#exceptions/business_refusal'

/* The queues an operator may pause: payout processing only (dead letters and orders keep flowing). */
export const PAUSABLE_QUEUES: readonly string[] = [QUEUES.process]

export interface SetConsumptionInput {
  queue: string
  paused: boolean
  actor: string
}

/*
 * Pauses or resumes every worker's consumption of a queue. The state is a
 * row in PostgreSQL, so a worker that restarts (or starts later) follows it;
 * workers hear the change at commit (NOTIFY). Pausing lets in-flight
 * messages finish and leaves the rest in the queue: nothing is lost.
 */
export class SetConsumption {
  async handle(trx: Transaction, input: SetConsumptionInput) {
    if (!PAUSABLE_QUEUES.includes(input.queue)) {
      throw new BadRequestException(`The ${input.queue} queue cannot be paused`)
    }
    const before = await setQueuePaused(trx, input)
    return { queue: input.queue, paused: input.paused, before: before ?? false }
  }
}
