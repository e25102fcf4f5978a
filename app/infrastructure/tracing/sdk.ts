import { existsSync, readFileSync } from 'node:fs'
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { parseEnv } from 'node:util'

/*
 * The OpenTelemetry SDK of one process, configured by the standard OTEL_*
 * variables only (endpoint, protocol including http/json, sampler, service
 * name…). Without an exporter endpoint nothing is loaded or started: the
 * @opentelemetry/api calls elsewhere then hit its no-op implementation.
 *
 * It must start before the application's modules load: the instrumentations
 * patch pg, amqplib and http when they are first required.
 */
let sdk: { shutdown(): Promise<void> } | undefined

export function tracingEnabled() {
  return sdk !== undefined
}

/* The service name of a long-running ace command; short commands are not traced. */
const TRACED_COMMANDS: Record<string, string> = {
  'payouts:work': 'payouts-worker',
  'outbox:relay': 'payouts-relay',
  'provider:mock': 'payouts-provider-mock',
}

export function serviceOfCommand(command: string | undefined) {
  return command === undefined ? undefined : TRACED_COMMANDS[command]
}

/* True when the OTEL_* variables ask for traces to be exported somewhere. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env) {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false
  const exporters = (env.OTEL_TRACES_EXPORTER ?? 'otlp').split(',').map((name) => name.trim())
  if (exporters.includes('none')) return false
  if (exporters.includes('console')) return true
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
}

/*
 * Starts tracing for this process when configured; `serviceName` applies
 * unless OTEL_SERVICE_NAME is set. OTEL_* lines of the application's .env
 * count too (the shell wins), as the SDK only reads the process environment.
 */
export async function startTracing(serviceName: string, appRoot?: URL) {
  if (sdk) return true
  if (appRoot) adoptDotEnv(new URL('.env', appRoot))
  if (!tracingConfigured()) return false

  process.env.OTEL_SERVICE_NAME ||= serviceName
  // Traces only: metrics are Prometheus' job and logs go to stdout.
  process.env.OTEL_METRICS_EXPORTER ||= 'none'
  process.env.OTEL_LOGS_EXPORTER ||= 'none'

  const [{ NodeSDK }, http, pg, amqplib, undici] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-amqplib'),
    import('@opentelemetry/instrumentation-undici'),
  ])
  const started = new NodeSDK({
    instrumentations: [
      new http.HttpInstrumentation({
        // Probes and scrapes every few seconds would bury the traces that matter.
        ignoreIncomingRequestHook: (request) => /^\/(metrics|health\/)/.test(request.url ?? ''),
      }),
      // Pool checks and relay polls outside any operation are not worth a trace each.
      new pg.PgInstrumentation({ requireParentSpan: true }),
      new amqplib.AmqplibInstrumentation({
        // The instrumentation writes the older messaging attributes; add the current ones.
        publishHook: (span, { exchange, routingKey, options }) =>
          span.setAttributes({
            'messaging.operation.type': 'send',
            'messaging.operation.name': 'publish',
            'messaging.destination.name': exchange || 'amq.default',
            'messaging.rabbitmq.destination.routing_key': routingKey,
            ...(options?.messageId ? { 'messaging.message.id': options.messageId } : {}),
          }),
        consumeHook: (span, { msg }) =>
          span.setAttributes({
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'consume',
            'messaging.destination.name': msg.fields.exchange || 'amq.default',
            'messaging.rabbitmq.destination.routing_key': msg.fields.routingKey,
            ...(msg.properties.messageId
              ? { 'messaging.message.id': msg.properties.messageId }
              : {}),
          }),
      }),
      new undici.UndiciInstrumentation(),
    ],
  })
  started.start()
  sdk = started
  // `http` is patched when required after start; ESM named imports see the patch once synced.
  createRequire(import.meta.url)('node:http')
  syncBuiltinESMExports()
  return true
}

/* Exports the spans still buffered; on shutdown, before the process exits. */
export async function shutdownTracing() {
  const running = sdk
  sdk = undefined
  await running?.shutdown().catch(() => {})
}

function adoptDotEnv(file: URL) {
  if (!existsSync(file)) return
  const values = parseEnv(readFileSync(file, 'utf8'))
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith('OTEL_') && process.env[name] === undefined) process.env[name] = value
  }
}
