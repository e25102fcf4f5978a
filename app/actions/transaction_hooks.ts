import { direct, type SqlClient, type SqlTransaction } from '#infrastructure/database/direct'

/* Lets the caller of an action add work to the action's own transaction. */
export interface TransactionHooks<T> {
  /* Runs after the effect, before commit; throwing rolls the whole effect back. */
  beforeCommit?: (trx: SqlTransaction, result: T) => Promise<void>
}

/*
 * Runs `write`, whose effect is ONE statement and so atomic on its own: alone,
 * outside any transaction, when there is no beforeCommit hook (the statement
 * has committed when `write` returns; `trx` is null), or in one transaction
 * with the hook otherwise. `write` passes `trx` on to Outbox.publishAfterCommit.
 */
export async function writeOneStatement<T>(
  hooks: TransactionHooks<T>,
  write: (client: SqlClient, trx: SqlTransaction | null) => Promise<T>
): Promise<T> {
  const beforeCommit = hooks.beforeCommit
  if (!beforeCommit) return write(direct, null)
  return direct.transaction(async (trx) => {
    const result = await write(trx, trx)
    await beforeCommit(trx, result)
    return result
  })
}
