-- The SQL one GET /api/v1/payouts?limit=25 runs (app/queries/payouts/payout_page.ts), where
-- LIMIT is a binding of a named prepared statement: bench/api.ts runs it with -M prepared.
-- access token guard: no statement. The web process caches a verified token (and its owner) until a
-- trigger's NOTIFY says tokens or users changed, so a known token costs none.
SELECT * FROM payouts ORDER BY payouts.created_at DESC, payouts.id DESC LIMIT 26;
