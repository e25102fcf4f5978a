-- The SQL one POST /api/v1/accounts/:id/deposits runs, in order (see bench/ledger.ts).
-- :account_count accounts named bench-1..N exist; a token row with id :token_id exists.
\set n random(1, :account_count)
-- access token guard: the token and its owner in one query (last use written at most once a minute)
SELECT t.*, to_jsonb(u.*) AS owner FROM auth_access_tokens t JOIN users u ON u.id = t.tokenable_id
 WHERE t.id = :token_id AND t.type = 'api_token' LIMIT 1;
-- the account (currency for the amount rule)
SELECT * FROM accounts WHERE external_ref = 'bench-' || :n AND currency = 'EUR' LIMIT 1;
-- the deposit transaction: balance + ledger row in one statement, then the outbox row
BEGIN;
WITH changed AS (
  UPDATE accounts SET balance = balance + 98, updated_at = now()
   WHERE external_ref = 'bench-' || :n AND currency = 'EUR' AND balance + 98 >= 0
   RETURNING id, balance
)
INSERT INTO transactions (account_id, type, amount, fee, balance_after, reference, payout_id, order_id, actor)
SELECT changed.id, 'deposit', 98, 2, changed.balance, NULL, NULL, NULL, 'user' || chr(58) || 'bench' FROM changed
RETURNING *;
INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers)
VALUES (gen_random_uuid(), 'payouts.events', 'account.credited',
        '{"account_id":"x","amount":"1.00","fee":"0.02","currency":"EUR"}'::jsonb, '{}'::jsonb)
RETURNING id;
COMMIT;
-- after commit: publish from memory (not timed here), then mark published in one statement
UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1 WHERE id = (SELECT max(id) FROM outbox_messages) AND published_at IS NULL;
