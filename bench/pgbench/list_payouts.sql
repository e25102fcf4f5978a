-- The SQL one GET /api/v1/payouts?limit=25 runs (app/queries/payouts/payout_page.ts,
-- with payout_store's PAYOUT_VIEW_COLUMNS), where
-- LIMIT is a binding of a named prepared statement: bench/api.ts runs it with -M prepared.
-- access token guard: no statement. The web process caches a verified token (and its owner) until a
-- trigger's NOTIFY says tokens or users changed, so a known token costs none.
SELECT id, account_id, amount, fee, currency, status, recipient_details, comment, attempts, failure_code, failure_message, provider_reference, created_at, updated_at, completed_at FROM payouts ORDER BY created_at DESC, id DESC LIMIT 26;
