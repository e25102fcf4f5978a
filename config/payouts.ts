import env from '#start/env'

/* A probability between 0 and 1 (0 when unset). */
function rate(name: 'MOCK_PROVIDER_ERROR_RATE' | 'MOCK_PROVIDER_DECLINE_RATE') {
  const value = env.get(name, 0)
  if (value < 0 || value > 1) throw new Error(`${name} must be between 0 and 1 (got ${value})`)
  return value
}

/*
 * Product settings read once from the environment. Only `config/` reads env;
 * everything else receives these values.
 */
const payoutsConfig = {
  feeBps: env.get('FEE_BPS', 200),
  maxAmountMinor: BigInt(env.get('MAX_AMOUNT_MINOR', '100000000000')),
  idempotencyTtlHours: env.get('IDEMPOTENCY_TTL_HOURS', 24),
  /* A key in flight for longer than this is taken to be abandoned (crashed request). */
  idempotencyStaleLockSeconds: env.get('IDEMPOTENCY_LOCK_TIMEOUT_SECONDS', 60),
  /* Verified API tokens cached per web process until a NOTIFY (docs/adr/0007). */
  tokenCache: env.get('TOKEN_CACHE', true),
  provider: {
    url: env.get('PROVIDER_URL', 'http://127.0.0.1:4010'),
    timeoutMs: env.get('PROVIDER_TIMEOUT_MS', 5000),
    webhookSecrets: env
      .get('PROVIDER_WEBHOOK_SECRET', 'dev-webhook-secret')
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean),
    /* A signed callback older (or further in the future) than this is refused. */
    webhookToleranceSeconds: 300,
  },
  /* The mock payment provider (`provider:mock`), for tests and demos. */
  mockProvider: {
    port: env.get('MOCK_PROVIDER_PORT', 4010),
    /* Address it listens on: this host only unless set */
    host: env.get('MOCK_PROVIDER_HOST', '127.0.0.1'),
    latencyMs: env.get('MOCK_PROVIDER_LATENCY_MS', 0),
    errorRate: rate('MOCK_PROVIDER_ERROR_RATE'),
    declineRate: rate('MOCK_PROVIDER_DECLINE_RATE'),
    webhookUrl:
      env.get('MOCK_PROVIDER_WEBHOOK_URL') ??
      `${env.get('APP_URL', `http://localhost:${env.get('PORT')}`)}/webhooks/provider`,
    webhookDelayMs: env.get('MOCK_PROVIDER_WEBHOOK_DELAY_MS', 1000),
    /* `slow` payouts answer this long after the client has given up. */
    slowDelayMs: env.get('PROVIDER_TIMEOUT_MS', 5000) + 1000,
  },
  retry: {
    maxAttempts: env.get('RETRY_MAX_ATTEMPTS', 5),
    baseMs: env.get('RETRY_BASE_MS', 1000),
    maxMs: env.get('RETRY_MAX_MS', 60000),
    jitterMs: env.get('RETRY_JITTER_MS', 250),
  },
  worker: {
    prefetch: env.get('WORKER_PREFETCH', 16),
    /* Prometheus /metrics of the worker process (0 turns it off) */
    metricsPort: env.get('WORKER_METRICS_PORT', 9464),
    /* Address it listens on: this host only unless set (0.0.0.0 where a scraper or probe needs it) */
    metricsHost: env.get('WORKER_METRICS_HOST', '127.0.0.1'),
    outboxRelayIntervalMs: env.get('OUTBOX_RELAY_INTERVAL_MS', 1000),
  },
  /* The sweeper of overdue and stuck payouts (docs/adr/0009). */
  sweeper: {
    /* 0: the worker runs no sweeper (cron runs `payouts:reconcile` instead). */
    intervalMs: env.get('SWEEPER_INTERVAL_MS', 5000),
    graceMs: env.get('SWEEPER_GRACE_MS', 60000),
    newAfterMs: env.get('SWEEPER_NEW_AFTER_MS', 120000),
    stuckAfterMs: env.get('SWEEPER_STUCK_AFTER_MS', 120000),
    batch: env.get('SWEEPER_BATCH', 100),
  },
  startProcesses: env
    .get('START_PROCESSES', 'web,worker,provider')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
}

export default payoutsConfig
