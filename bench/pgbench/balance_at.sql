-- The SQL one GET /api/v1/accounts/:id/balance?at= runs, in order (see bench/ledger.ts).
\set n random(1, :account_count)
\set minute random(1, 1000)
-- access token guard: no statement. The web process caches a verified token (and its owner) until a
-- trigger's NOTIFY says tokens or users changed, so a known token costs none.
-- the account's currency and its balance at the instant, in one statement
SELECT a.currency,
       coalesce((SELECT t.balance_after FROM transactions t
                  WHERE t.account_id = a.id
                    AND t.created_at <= timestamptz '2025-01-01 00:00:00+00' + :minute * interval '1 minute'
                  ORDER BY t.created_at DESC, t.seq DESC LIMIT 1), 0)::text AS balance
  FROM accounts a WHERE a.id = md5('bench-' || :n)::uuid;
