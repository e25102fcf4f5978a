-- The SQL one GET /api/v1/payouts?limit=25 runs (see bench/api.ts).
-- access token guard: the token and its owner in one query (last use written at most once a minute)
SELECT t.*, to_jsonb(u.*) AS owner FROM auth_access_tokens t JOIN users u ON u.id = t.tokenable_id
 WHERE t.id = :token_id AND t.type = 'api_token' LIMIT 1;
SELECT * FROM payouts ORDER BY payouts.created_at DESC, payouts.id DESC LIMIT 26;
