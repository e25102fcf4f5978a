/*
 * Every environment variable the application reads, validated at boot. A
 * missing or malformed value stops the process with a message naming it.
 * Defaults here are the ones that work on a developer machine with local
 * PostgreSQL and RabbitMQ; `.env.example` documents each of them.
 */
import { Env } from '@adonisjs/core/env'

export default await Env.create(new URL('../', import.meta.url), {
  NODE_ENV: Env.schema.enum(['development', 'production', 'test'] as const),
  APP_NAME: Env.schema.string.optional(),
  APP_KEY: Env.schema.secret(),
  APP_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  HOST: Env.schema.string({ format: 'host' }),
  PORT: Env.schema.number(),
  LOG_LEVEL: Env.schema.enum.optional([
    'fatal',
    'error',
    'warn',
    'info',
    'debug',
    'trace',
    'silent',
  ] as const),
  SESSION_DRIVER: Env.schema.enum.optional(['database', 'cookie', 'memory'] as const),

  /* PostgreSQL */
  DB_HOST: Env.schema.string.optional({ format: 'host' }),
  DB_PORT: Env.schema.number.optional(),
  DB_USER: Env.schema.string.optional(),
  DB_PASSWORD: Env.schema.string.optional(),
  DB_DATABASE: Env.schema.string.optional(),
  DB_POOL_MAX: Env.schema.number.optional(),
  TOKEN_CACHE: Env.schema.boolean.optional(),

  /* RabbitMQ */
  RABBITMQ_URL: Env.schema.string.optional(),
  RABBITMQ_MANAGEMENT_URL: Env.schema.string.optional({ format: 'url', tld: false }),

  /* Processes started by `npm start`, and web replicas (read by bin/server.ts) */
  START_PROCESSES: Env.schema.string.optional(),
  WEB_CONCURRENCY: Env.schema.number.optional(),

  /* Money and idempotency */
  FEE_BPS: Env.schema.number.optional(),
  MAX_AMOUNT_MINOR: Env.schema.string.optional(),
  IDEMPOTENCY_TTL_HOURS: Env.schema.number.optional(),
  IDEMPOTENCY_LOCK_TIMEOUT_SECONDS: Env.schema.number.optional(),

  /* Payment provider and worker */
  PROVIDER_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  PROVIDER_TIMEOUT_MS: Env.schema.number.optional(),
  PROVIDER_WEBHOOK_SECRET: Env.schema.string.optional(),
  RETRY_MAX_ATTEMPTS: Env.schema.number.optional(),
  RETRY_BASE_MS: Env.schema.number.optional(),
  RETRY_MAX_MS: Env.schema.number.optional(),
  RETRY_JITTER_MS: Env.schema.number.optional(),
  WORKER_PREFETCH: Env.schema.number.optional(),
  WORKER_METRICS_PORT: Env.schema.number.optional(),
  OUTBOX_RELAY_INTERVAL_MS: Env.schema.number.optional(),

  /* Sweeper: re-dispatches overdue and stuck payouts (docs/adr/0009) */
  SWEEPER_INTERVAL_MS: Env.schema.number.optional(),
  SWEEPER_GRACE_MS: Env.schema.number.optional(),
  SWEEPER_NEW_AFTER_MS: Env.schema.number.optional(),
  SWEEPER_STUCK_AFTER_MS: Env.schema.number.optional(),
  SWEEPER_BATCH: Env.schema.number.optional(),

  /* Mock payment provider (provider:mock) */
  MOCK_PROVIDER_PORT: Env.schema.number.optional(),
  MOCK_PROVIDER_LATENCY_MS: Env.schema.number.optional(),
  MOCK_PROVIDER_ERROR_RATE: Env.schema.number.optional(),
  MOCK_PROVIDER_DECLINE_RATE: Env.schema.number.optional(),
  MOCK_PROVIDER_WEBHOOK_URL: Env.schema.string.optional({ format: 'url', tld: false }),
  MOCK_PROVIDER_WEBHOOK_DELAY_MS: Env.schema.number.optional(),

  /* Graceful shutdown after SIGTERM (config/lifecycle.ts) */
  WEB_SHUTDOWN_GRACE_MS: Env.schema.number.optional(),
  WORKER_SHUTDOWN_GRACE_MS: Env.schema.number.optional(),

  /* Edge security: rate limits, tokens, sessions, proxies, listen addresses (docs/security.md) */
  LIMITER_STORE: Env.schema.enum.optional(['database', 'memory'] as const),
  RATE_LIMIT_ENABLED: Env.schema.boolean.optional(),
  API_RATE_LIMIT_PER_MINUTE: Env.schema.number.optional(),
  API_RATE_LIMIT_BURST: Env.schema.number.optional(),
  SIGN_IN_ATTEMPTS_PER_MINUTE: Env.schema.number.optional(),
  SIGN_IN_ATTEMPTS_PER_IP: Env.schema.number.optional(),
  SIGN_IN_LOCKOUT: Env.schema.string.optional(),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: Env.schema.number.optional(),
  TOKEN_DEFAULT_EXPIRY: Env.schema.string.optional(),
  SESSION_IDLE_TIMEOUT: Env.schema.string.optional(),
  SESSION_ABSOLUTE_TIMEOUT: Env.schema.string.optional(),
  TRUSTED_PROXIES: Env.schema.string.optional(),
  WORKER_METRICS_HOST: Env.schema.string.optional({ format: 'host' }),
  MOCK_PROVIDER_HOST: Env.schema.string.optional({ format: 'host' }),

  /*
   * Tracing. The OpenTelemetry SDK reads the standard OTEL_* variables itself
   * (.env.example lists them); without an exporter endpoint it stays off.
   */
  /* Tracing UI for the payout page's trace link: a Jaeger base URL, or a URL with {trace_id} */
  TRACING_UI_URL: Env.schema.string.optional({ format: 'url', tld: false }),

  /* Operator console (config/console.ts) */
  /* How often each worker writes its heartbeat and re-reads the operators' pause state */
  WORKER_HEARTBEAT_MS: Env.schema.number.optional(),
})
