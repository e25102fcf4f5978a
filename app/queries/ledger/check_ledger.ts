import db from '@adonisjs/lucid/services/db'

export interface LedgerOffence {
  accountId: string
  problem: string
}

/*
 * Verifies the ledger invariants over every account:
 * - balance = Σ transactions.amount and balance >= 0;
 * - the newest entry's balance_after is the balance;
 * - each entry's balance_after = previous balance_after + amount (the chain);
 * - holds match payouts: an open or completed payout's rows net to −(amount + fee),
 *   a failed or canceled one's to zero.
 * Runs in one REPEATABLE READ snapshot so concurrent writes cannot produce
 * false alarms.
 */
export class CheckLedger {
  async handle(): Promise<LedgerOffence[]> {
    return db.transaction(
      async (trx) => {
        const totals = await trx.rawQuery(`
          SELECT a.id, a.balance::text AS balance, coalesce(s.total, 0)::text AS total,
                 l.balance_after::text AS last_after
            FROM accounts a
            LEFT JOIN (SELECT account_id, sum(amount) AS total FROM transactions GROUP BY account_id) s
                   ON s.account_id = a.id
            LEFT JOIN LATERAL (
                  SELECT balance_after FROM transactions t
                   WHERE t.account_id = a.id ORDER BY created_at DESC, seq DESC LIMIT 1) l ON true
           WHERE a.balance <> coalesce(s.total, 0) OR a.balance < 0
              OR (l.balance_after IS NOT NULL AND l.balance_after <> a.balance)
           ORDER BY a.id`)
        const offences: LedgerOffence[] = totals.rows.map(
          (row: { id: string; balance: string; total: string; last_after: string | null }) => ({
            accountId: row.id,
            problem: `balance ${row.balance} but ledger sum ${row.total}, newest balance_after ${row.last_after ?? 'none'}`,
          })
        )

        const chain = await trx.rawQuery(`
          SELECT account_id, id, balance_after::text AS balance_after, expected::text AS expected
            FROM (SELECT account_id, id, balance_after,
                         lag(balance_after, 1, 0::bigint) OVER w + amount AS expected
                    FROM transactions
                  WINDOW w AS (PARTITION BY account_id ORDER BY created_at, seq)) x
           WHERE balance_after <> expected
           ORDER BY account_id LIMIT 1000`)
        for (const row of chain.rows as {
          account_id: string
          id: string
          balance_after: string
          expected: string
        }[]) {
          offences.push({
            accountId: row.account_id,
            problem: `transaction ${row.id} has balance_after ${row.balance_after}, expected ${row.expected}`,
          })
        }
        // Every payout's ledger rows net to its hold while open or completed, to zero once released.
        const holds = await trx.rawQuery(`
          SELECT p.account_id, p.id, p.status, coalesce(sum(t.amount), 0)::text AS net,
                 (-(p.amount + p.fee))::text AS held
            FROM payouts p LEFT JOIN transactions t ON t.payout_id = p.id
           GROUP BY p.id
          HAVING coalesce(sum(t.amount), 0) <>
                 CASE WHEN p.status IN ('FAILED', 'CANCELED') THEN 0 ELSE -(p.amount + p.fee) END
           ORDER BY p.account_id LIMIT 1000`)
        for (const row of holds.rows as {
          account_id: string
          id: string
          status: string
          net: string
          held: string
        }[]) {
          const expected = row.status === 'FAILED' || row.status === 'CANCELED' ? '0' : row.held
          offences.push({
            accountId: row.account_id,
            problem: `${row.status} payout ${row.id} nets ${row.net} in the ledger, expected ${expected}`,
          })
        }
        return offences
      },
      { isolationLevel: 'repeatable read' }
    )
  }
}
