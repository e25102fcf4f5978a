import env from '#start/env'

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
  provider: {
    url: env.get('PROVIDER_URL', 'http://127.0.0.1:4010'),
    timeoutMs: env.get('PROVIDER_TIMEOUT_MS', 5000),
    webhookSecrets: env
      .get('PROVIDER_WEBHOOK_SECRET', 'dev-webhook-secret')
      .split(',')
      .map((secret) => secret.trim())
      .filter(Boolean),
  },
  retry: {
    maxAttempts: env.get('RETRY_MAX_ATTEMPTS', 5),
    baseMs: env.get('RETRY_BASE_MS', 1000),
    maxMs: env.get('RETRY_MAX_MS', 60000),
    jitterMs: env.get('RETRY_JITTER_MS', 250),
  },
  worker: {
    prefetch: env.get('WORKER_PREFETCH', 16),
    outboxRelayIntervalMs: env.get('OUTBOX_RELAY_INTERVAL_MS', 1000),
  },
  startProcesses: env
    .get('START_PROCESSES', 'web,worker,provider')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean),
}

export default payoutsConfig
