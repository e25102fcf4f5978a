-- The SQL one POST /api/v1/payouts with an Idempotency-Key runs, in order (see bench/api.ts).
-- :owner_id is the token owner's user id; accounts bench-1..N have ids md5('bench-n')::uuid.
\set n random(1, :account_count)
\set k random(1, 1000000000000)
-- access token guard: no statement. The web process caches a verified token (and its owner) until a
-- trigger's NOTIFY says tokens or users changed, so a known token costs none.
-- idempotency claim: one atomic upsert (a fresh key per transaction, as the benchmark sends)
INSERT INTO idempotency_keys
  (owner_id, key, fingerprint, method, path, state, claim_id, locked_at, expires_at)
VALUES (:owner_id, 'bench-' || :client_id || '-' || :k, repeat('a', 64), 'POST', '/api/v1/payouts',
        'in_flight', gen_random_uuid(), now(), now() + (24 * interval '1 hour'))
ON CONFLICT (owner_id, key) DO UPDATE
  SET fingerprint = EXCLUDED.fingerprint, method = EXCLUDED.method, path = EXCLUDED.path,
      state = 'in_flight', claim_id = EXCLUDED.claim_id, response_status = NULL,
      response_body = NULL, locked_at = now(), created_at = now(),
      expires_at = EXCLUDED.expires_at
  WHERE idempotency_keys.expires_at <= now()
     OR (idempotency_keys.state = 'in_flight'
         AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
         AND idempotency_keys.locked_at <= now() - (30 * interval '1 second'))
RETURNING claim_id;
-- the account's currency comes from the web process's cache (accounts never change currency)
BEGIN;
-- hold amount + fee, its ledger row, the payout, its first event and both outbox messages:
-- one statement ('#' stands in for ':' in the JSON, which pgbench would read as a variable)
WITH changed AS (
  UPDATE accounts SET balance = balance + (-102)::bigint, updated_at = now()
   WHERE id = md5('bench-' || :n)::uuid AND balance + (-102)::bigint >= 0
   RETURNING id, balance
), entry AS (
  INSERT INTO transactions
    (account_id, type, amount, fee, balance_after, reference, payout_id, order_id, actor)
  SELECT changed.id, 'payout_hold', (-102)::bigint, 2::bigint, changed.balance, NULL, gen_random_uuid(), NULL, 'user' || chr(58) || '1' FROM changed
  RETURNING *
), payout AS (
  INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, comment, created_by)
  SELECT entry.payout_id, entry.account_id, 100::bigint, 2::bigint, 'EUR', 'IBAN bench', NULL, 'user' || chr(58) || '1' FROM entry
  RETURNING *
), event AS (
  INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
  SELECT payout.id, 'created', NULL, 'NEW', 'user' || chr(58) || '1', '{}'::jsonb FROM payout
), created AS (
  INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, expiration_ms)
  SELECT m.message_id, m.exchange, m.routing_key, m.payload || jsonb_build_object(
           'created_at', to_char(payout.created_at AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58))),
           'updated_at', to_char(payout.updated_at AT TIME ZONE 'UTC', replace('YYYY-MM-DD"T"HH24#MI#SS.MS"Z"', '#', chr(58)))),
         m.headers, m.expiration_ms
    FROM payout, ROWS FROM (jsonb_to_recordset(replace('[{"message_id"#"' || gen_random_uuid() || '","exchange"#"payouts.events","routing_key"#"payout.created","payload"#{"id"#"x","account_id"#"' || md5('bench-' || :n)::uuid || '","amount"#"1.00","fee"#"0.02","currency"#"EUR","status"#"NEW","recipient_details"#"IBAN bench","comment"#null,"attempts"#0,"failure_code"#null,"failure_message"#null,"provider_reference"#null,"completed_at"#null},"headers"#{},"expiration_ms"#null}]', '#', chr(58))::jsonb) AS (
           message_id text, exchange text, routing_key text, payload jsonb,
           headers jsonb, expiration_ms integer)) WITH ORDINALITY
           AS m(message_id, exchange, routing_key, payload, headers, expiration_ms, n)
   ORDER BY m.n
  RETURNING id, message_id, payload
), process AS (
  INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, expiration_ms)
  SELECT m.message_id, m.exchange, m.routing_key, m.payload, m.headers, m.expiration_ms
    FROM payout, ROWS FROM (jsonb_to_recordset(replace('[{"message_id"#"' || gen_random_uuid() || '","exchange"#"payouts.commands","routing_key"#"payout.process","payload"#{"payout_id"#"x"},"headers"#{},"expiration_ms"#null}]', '#', chr(58))::jsonb) AS (
           message_id text, exchange text, routing_key text, payload jsonb,
           headers jsonb, expiration_ms integer)) WITH ORDINALITY
           AS m(message_id, exchange, routing_key, payload, headers, expiration_ms, n)
   ORDER BY m.n
  RETURNING id, message_id, payload
)
SELECT payout.*,
       (SELECT json_agg(o) FROM (SELECT * FROM created UNION ALL SELECT * FROM process) o) AS outbox_rows
  FROM payout;
-- the idempotent answer, sealed in the same transaction
UPDATE idempotency_keys
   SET state = 'completed', response_status = 201, response_body = repeat('x', 400), locked_at = now()
 WHERE owner_id = :owner_id AND key = 'bench-' || :client_id || '-' || :k
   AND claim_id IS NOT NULL AND state = 'in_flight';
COMMIT;
-- after commit: publish from memory (not timed here); the web process then marks every row
-- confirmed in the last 20 ms published in ONE UPDATE, a fraction of a statement per payout,
-- left out here (which only makes pgbench faster).
