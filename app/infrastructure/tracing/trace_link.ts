import tracingConfig from '#config/tracing'
import { isValidTraceparent } from '#infrastructure/tracing/traceparent'

export interface TraceLink {
  traceId: string
  /* Where the trace can be seen; null without TRACING_UI_URL. */
  url: string | null
}

/*
 * The trace of a stored traceparent, and its page in the tracing UI:
 * TRACING_UI_URL with `{trace_id}` replaced, or, without the placeholder, a
 * Jaeger base URL (`<url>/trace/<id>`).
 */
export function traceLink(
  traceparent: string | null | undefined,
  uiUrl = tracingConfig.uiUrl
): TraceLink | null {
  if (!isValidTraceparent(traceparent)) return null
  const traceId = traceparent.split('-')[1]
  if (!uiUrl) return { traceId, url: null }
  const url = uiUrl.includes('{trace_id}')
    ? uiUrl.replaceAll('{trace_id}', traceId)
    : `${uiUrl.replace(/\/+$/, '')}/trace/${traceId}`
  return { traceId, url }
}
