import { direct } from '#infrastructure/database/direct'

const MAX_ENTRIES = 100_000
const currencies = new Map<string, string>()

/*
 * An account's currency, cached in this process: the currency of an account
 * never changes and accounts are never deleted (ids are random UUIDs, never
 * reused), so a cached entry cannot go stale. It spares the hot write paths
 * (deposits, payouts) a query per request; the write itself still finds the
 * account under its row lock, so a missing account is refused there too.
 * Null when there is no such account.
 */
export async function accountCurrency(id: string): Promise<string | null> {
  const cached = currencies.get(id)
  if (cached) return cached
  const result = await direct.rawQuery('SELECT currency FROM accounts WHERE id = ?', [id])
  const currency = (result.rows[0]?.currency as string | undefined)?.trim()
  if (!currency) return null
  if (currencies.size >= MAX_ENTRIES) currencies.delete(currencies.keys().next().value!)
  currencies.set(id, currency)
  return currency
}
