import Account from '#models/account'

/* External references of the given accounts, keyed by id, in one query (for list pages). */
export async function accountRefs(ids: Iterable<string>): Promise<Record<string, string>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return {}
  const accounts = await Account.query().select('id', 'external_ref').whereIn('id', unique)
  return Object.fromEntries(accounts.map((account) => [account.id, account.externalRef]))
}
