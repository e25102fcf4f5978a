import env from '#start/env'

/*
 * The SDK itself is configured by the standard OTEL_* variables only (see
 * app/infrastructure/tracing/sdk.ts); this is what the pages need.
 */
const tracingConfig = {
  /* The tracing UI (Jaeger: http://localhost:16686), to link a payout to its trace. */
  uiUrl: env.get('TRACING_UI_URL') ?? null,
}

export default tracingConfig
