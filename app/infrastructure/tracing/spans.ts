import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api'
import { isValidTraceparent, newTraceparent } from '#infrastructure/tracing/traceparent'
import { tracingEnabled } from '#infrastructure/tracing/sdk'

export { SpanKind }

const tracer = trace.getTracer('payouts')

/* The active span's context as a W3C traceparent; undefined outside a traced operation. */
export function activeTraceparent(): string | undefined {
  const span = trace.getActiveSpan()
  if (!span) return undefined
  const { traceId, spanId, traceFlags } = span.spanContext()
  if (!trace.isSpanContextValid(span.spanContext())) return undefined
  return `00-${traceId}-${spanId}-${traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`
}

/*
 * The traceparent a message or row written now should carry: the active
 * span's, else `inherited` (the message being handled, when tracing is off),
 * else a fresh one so the first publish and a relay's republish agree.
 */
export function producingTraceparent(inherited?: string): string {
  return activeTraceparent() ?? (isValidTraceparent(inherited) ? inherited : newTraceparent())
}

/* The remote parent a stored or received traceparent names (the root context if none). */
export function contextOf(traceparent: unknown): Context {
  if (!isValidTraceparent(traceparent)) return ROOT_CONTEXT
  const [, traceId, spanId, flags] = traceparent.split('-')
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  })
}

/* Runs `fn` with the stored or received traceparent as its parent context (as is when off). */
export function withParent<T>(traceparent: unknown, fn: () => T): T {
  if (!tracingEnabled() || !isValidTraceparent(traceparent)) return fn()
  return context.with(contextOf(traceparent), fn)
}

export interface SpanOptions {
  kind?: SpanKind
  attributes?: Attributes
  /* Parent: this traceparent instead of the active context. */
  parent?: string | null
  /* With `parent`: also link the span active now (the webhook's request span, say). */
  linkActive?: boolean
}

/*
 * `fn` inside a new active span ending when it settles; a thrown error marks
 * the span failed. Without tracing, just `fn()`.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span?: Span) => Promise<T>
): Promise<T> {
  if (!tracingEnabled()) return fn()
  const active = trace.getActiveSpan()?.spanContext()
  const remote = isValidTraceparent(options.parent)
  const links: Link[] =
    remote && options.linkActive && active && trace.isSpanContextValid(active)
      ? [{ context: active }]
      : []
  const parent = remote ? contextOf(options.parent) : context.active()
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links },
    parent,
    async (span) => {
      try {
        return await fn(span)
      } catch (error) {
        span.recordException(error as Error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
        throw error
      } finally {
        span.end()
      }
    }
  )
}

/*
 * `fn` outside any span, so pg's instrumentation (requireParentSpan) records
 * nothing for it (the direct client's BEGIN, COMMIT and deferred writes).
 */
export function unspanned<T>(fn: () => T): T {
  if (!tracingEnabled()) return fn()
  return context.with(ROOT_CONTEXT, fn)
}

/*
 * `method` as it was before an OpenTelemetry instrumentation wrapped it
 * (instrumentations keep it as `__original`: see isWrapped in
 * @opentelemetry/instrumentation), or `method` itself when nothing did.
 */
export function uninstrumented<Method extends (...args: any[]) => any>(method: Method): Method {
  const original = (method as { __original?: unknown }).__original
  return typeof original === 'function' ? (original as Method) : method
}

/* Sets attributes on the active span (the consume or request span), when tracing. */
export function annotateActiveSpan(attributes: Attributes) {
  if (!tracingEnabled()) return
  trace.getActiveSpan()?.setAttributes(attributes)
}

/* `trace_id` and `span_id` of the active span, merged into every log line (pino mixin). */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const { traceId, spanId } = span.spanContext()
  return trace.isSpanContextValid(span.spanContext()) ? { trace_id: traceId, span_id: spanId } : {}
}

/* A message's headers with the traceparent it will carry, decided when its outbox row is written. */
export function withTraceparent(headers: Record<string, string> = {}): Record<string, string> {
  return isValidTraceparent(headers.traceparent)
    ? headers
    : { ...headers, traceparent: producingTraceparent() }
}

/* The payout a span worked on, as span attributes (`payout.*`, `account.id`). */
export function payoutAttributes(payout: {
  id: string
  accountId: string
  attempts: number
  status: string
}): Attributes {
  return {
    'payout.id': payout.id,
    'account.id': payout.accountId,
    'payout.attempt': payout.attempts,
    'payout.status': payout.status,
  }
}
