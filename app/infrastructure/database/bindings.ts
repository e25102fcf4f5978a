import type { TransactionClientContract } from '@adonisjs/lucid/types/database'

/* Lucid's binding type leaves out null, which pg binds as SQL NULL. */
export type RawBindings = Parameters<TransactionClientContract['rawQuery']>[1]

export function bindings(values: (string | number | boolean | null)[]): RawBindings {
  return values as RawBindings
}
