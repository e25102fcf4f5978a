import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/* Lets the caller of an action add work to the action's own transaction. */
export interface TransactionHooks<T> {
  /* Runs after the effect, before commit; throwing rolls the whole effect back. */
  beforeCommit?: (trx: TransactionClientContract, result: T) => Promise<void>
}
