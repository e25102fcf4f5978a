-- The SQL the worker runs for one payout with an immediate provider success (see bench/e2e.ts).
-- Each client works on its own fresh payout, created by the first statement (not timed apart,
-- so this rate includes creating one payout row: it slightly favours the worker) and kept in
-- :payout_id by \gset.
\set n random(1, :account_count)
INSERT INTO payouts (id, account_id, amount, fee, currency, recipient_details, created_by)
VALUES (gen_random_uuid(), (SELECT id FROM accounts WHERE external_ref = 'bench-' || :n AND currency = 'EUR'),
        100, 2, 'EUR', 'IBAN e2e', 'bench') RETURNING id AS payout_id \gset
-- inbox: seen before?
SELECT 1 FROM inbox_messages WHERE consumer = 'payouts.process' AND message_id = md5(random()::text);
-- attempt: lock, NEW -> PROCESSING (by primary key, status checked on the row), event, outbox event
BEGIN;
SELECT * FROM payouts WHERE id = :payout_id FOR UPDATE;
UPDATE payouts SET status = 'PROCESSING', updated_at = now(), attempts = attempts + 1, attempt_message_id = 'm'
 WHERE id = :payout_id AND (status = 'NEW') IS TRUE RETURNING *;
INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
VALUES (:payout_id, 'processing', 'NEW', 'PROCESSING', 'worker', '{}'::jsonb);
INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers)
VALUES (gen_random_uuid()::text, 'payouts.events', 'payout.processing', '{"id":"x"}'::jsonb, '{}'::jsonb) RETURNING id AS event_id \gset
COMMIT;
-- after commit: publish that event, then mark it published
UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1 WHERE id = :event_id AND published_at IS NULL;
-- outcome: inbox mark, PROCESSING -> COMPLETED, event, outbox event
BEGIN;
INSERT INTO inbox_messages (consumer, message_id) VALUES ('payouts.process', gen_random_uuid()::text) ON CONFLICT DO NOTHING RETURNING 1;
UPDATE payouts SET status = 'COMPLETED', updated_at = now(), completed_at = now(), provider_reference = 'prv'
 WHERE id = :payout_id AND (status = 'PROCESSING') IS TRUE RETURNING *;
INSERT INTO payout_events (payout_id, type, from_status, to_status, actor, details)
VALUES (:payout_id, 'completed', 'PROCESSING', 'COMPLETED', 'worker', '{}'::jsonb);
INSERT INTO outbox_messages (message_id, exchange, routing_key, payload, headers)
VALUES (gen_random_uuid()::text, 'payouts.events', 'payout.completed', '{"id":"x"}'::jsonb, '{}'::jsonb) RETURNING id AS event_id \gset
COMMIT;
-- after commit: publish, then mark published
UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1 WHERE id = :event_id AND published_at IS NULL;
