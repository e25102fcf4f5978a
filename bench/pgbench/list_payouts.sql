-- The SQL one GET /api/v1/payouts?limit=25 runs (see bench/api.ts).
SELECT * FROM auth_access_tokens WHERE id = :token_id AND type = 'api_token' LIMIT 1;
SELECT * FROM users WHERE id = (SELECT tokenable_id FROM auth_access_tokens WHERE id = :token_id) LIMIT 1;
SELECT * FROM payouts ORDER BY payouts.created_at DESC, payouts.id DESC LIMIT 26;
