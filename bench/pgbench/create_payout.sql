-- The SQL one POST /api/v1/payouts with an Idempotency-Key runs, in order (see bench/api.ts).
\set n random(1, :account_count)
-- access token guard: the token and its owner in one query (last use written at most once a minute)
SELECT t.*, to_jsonb(u.*) AS owner FROM auth_access_tokens t JOIN users u ON u.id = t.tokenable_id
 WHERE t.id = :token_id AND t.type = 'api_token' LIMIT 1;
-- idempotency claim: one atomic upsert
INSERT INTO idempotency_keys (owner_id, key, fingerprint, method, path, state, claim_id, locked_at, expires_at)
VALUES ((SELECT tokenable_id FROM auth_access_tokens WHERE id = :token_id), gen_random_uuid()::text,
        repeat('a', 64), 'POST', '/api/v1/payouts', 'in_flight', gen_random_uuid(), now(), now() + interval '24 hours')
ON CONFLICT (owner_id, key) DO UPDATE SET state = 'in_flight' WHERE idempotency_keys.expires_at <= now()
RETURNING claim_id;
-- the account named in the body
SELECT * FROM accounts WHERE external_ref = 'bench-' || :n AND currency = 'EUR' LIMIT 1;
BEGIN;
-- hold amount + fee and write its ledger row in one statement
WITH changed AS (
  UPDATE accounts SET balance = balance + (-102), updated_at = now()
   WHERE external_ref = 'bench-' || :n AND currency = 'EUR' AND balance + (-102) >= 0
   RETURNING id, balance
)
INSERT INTO transactions (account_id, type, amount, fee, balance_after, payout_id, actor)
SELECT changed.id, 'payout_hold', -102, 2, changed.balance, NULL, 'bench' FROM changed
RETURNING *;
INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, comment, created_by)
VALUES (gen_random_uuid(), (SELECT id FROM accounts WHERE external_ref = 'bench-' || :n AND currency = 'EUR'),
        100, 2, 'EUR', 'IBAN bench', NULL, 'bench') RETURNING *;
INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
VALUES ((SELECT id FROM payouts ORDER BY created_at DESC LIMIT 1), 'created', NULL, 'NEW', 'bench', '{}'::jsonb);
INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, expiration_ms)
VALUES (gen_random_uuid()::text, 'payouts.events', 'payout.created', '{"id":"x","amount":"1.00"}'::jsonb, '{}'::jsonb, NULL),
       (gen_random_uuid()::text, 'payouts.commands', 'payout.process', '{"payout_id":"x"}'::jsonb, '{}'::jsonb, NULL)
RETURNING id;
-- the idempotent answer, sealed in the same transaction
UPDATE idempotency_keys SET state = 'completed', response_status = 201, response_body = repeat('x', 400), locked_at = now()
 WHERE owner_id = (SELECT tokenable_id FROM auth_access_tokens WHERE id = :token_id)
   AND key = (SELECT key FROM idempotency_keys ORDER BY created_at DESC LIMIT 1) AND state = 'in_flight';
COMMIT;
-- after commit: publish from memory (not timed here), then mark published in one statement
UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1 WHERE id = ANY(ARRAY(SELECT id FROM outbox_messages ORDER BY id DESC LIMIT 2));
