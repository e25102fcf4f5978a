-- The SQL one POST /api/v1/accounts/:id/deposits (no Idempotency-Key) runs, in order (see bench/ledger.ts).
-- :account_count accounts bench-1..N exist with ids md5('bench-n')::uuid.
-- The account's currency comes from the web process's cache (accounts never change currency), so
-- it costs no statement after the first request per account.
\set n random(1, :account_count)
-- access token guard: no statement. The web process caches a verified token (and its owner) until a
-- trigger's NOTIFY says tokens or users changed, so a known token costs none.
-- the whole deposit in one statement (so no BEGIN/COMMIT): balance, ledger row, outbox row
-- (the JSON of the outbox rows is one text parameter in the API; '#' stands in for ':' here,
-- which pgbench would read as a variable)
WITH changed AS (
  UPDATE accounts SET balance = balance + 98::bigint, updated_at = now()
   WHERE id = md5('bench-' || :n)::uuid AND balance + 98::bigint >= 0
   RETURNING id, balance
), entry AS (
  INSERT INTO transactions
    (account_id, type, amount, fee, balance_after, reference, payout_id, order_id, actor)
  SELECT changed.id, 'deposit', 98::bigint, 2::bigint, changed.balance, NULL, NULL, NULL, 'user' || chr(58) || '1' FROM changed
  RETURNING *
), outbox AS (
  INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers, expiration_ms)
  SELECT m.message_id, m.exchange, m.routing_key, m.payload || jsonb_build_object('transaction_id', entry.id, 'balance_after',
           round(entry.balance_after / 100::numeric, 2)::text), m.headers, m.expiration_ms
    FROM entry, ROWS FROM (jsonb_to_recordset(replace('[{"message_id"#"' || gen_random_uuid() || '","exchange"#"payouts.events","routing_key"#"account.credited","payload"#{"account_id"#"' || md5('bench-' || :n)::uuid || '","amount"#"1.00","fee"#"0.02","credited"#"0.98","currency"#"EUR","reference"#null},"headers"#{},"expiration_ms"#null}]', '#', chr(58))::jsonb) AS (
           message_id text, exchange text, routing_key text, payload jsonb,
           headers jsonb, expiration_ms integer)) WITH ORDINALITY
           AS m(message_id, exchange, routing_key, payload, headers, expiration_ms, n)
   ORDER BY m.n
  RETURNING id, message_id, payload
)
SELECT entry.*, (SELECT json_agg(outbox) FROM outbox) AS outbox_rows FROM entry;
-- after commit: publish from memory (not timed here); the web process then marks every row
-- confirmed in the last 20 ms published in ONE UPDATE, a fraction of a statement per deposit,
-- left out here (which only makes pgbench faster).
