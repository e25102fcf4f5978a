-- The SQL one GET /api/v1/accounts/:id/balance?at= runs, in order (see bench/ledger.ts).
\set n random(1, :account_count)
\set minute random(1, 1000)
SELECT * FROM auth_access_tokens WHERE id = :token_id AND type = 'api_token' LIMIT 1;
-- (last_used_at is written at most once a minute, so not per request)
SELECT * FROM users WHERE id = (SELECT tokenable_id FROM auth_access_tokens WHERE id = :token_id) LIMIT 1;
SELECT * FROM accounts WHERE external_ref = 'bench-' || :n AND currency = 'EUR' LIMIT 1;
SELECT balance_after FROM transactions
 WHERE account_id = (SELECT id FROM accounts WHERE external_ref = 'bench-' || :n AND currency = 'EUR')
   AND created_at <= timestamptz '2025-01-01 00:00:00+00' + :minute * interval '1 minute'
 ORDER BY created_at DESC, seq DESC LIMIT 1;
