import payoutsConfig from '#config/payouts'
import { providerCallDuration } from '#infrastructure/provider/metrics'

export interface ProviderClientOptions {
  /* Base URL of the provider, e.g. http://127.0.0.1:4010 */
  url: string
  /* Budget of one call, answer body included. */
  timeoutMs: number
}

export interface PayRequest {
  payoutId: string
  /* Decimal string in major units, as on our own API ("100.00"). */
  amount: string
  currency: string
  recipientDetails: string
}

export type ProviderSucceeded = { kind: 'succeeded'; providerReference: string }
export type ProviderPending = { kind: 'pending'; providerReference: string }
export type ProviderDeclined = { kind: 'declined'; failureCode: string; failureMessage: string }
/* No decision could be read: retry later, and ask status() before giving up. */
export type ProviderTransient = { kind: 'transient'; reason: string }
export type ProviderNotFound = { kind: 'not_found' }

export type PayResult = ProviderSucceeded | ProviderPending | ProviderDeclined | ProviderTransient
export type StatusResult = PayResult | ProviderNotFound

type Answer = { status: number; body: Record<string, unknown> | null }

/*
 * HTTP client of the payment provider (docs/provider-api.md). The payout id
 * is the Idempotency-Key, so repeating pay() after a timeout can never pay
 * twice. Nothing is thrown for provider trouble: timeouts, refused
 * connections, 5xx and answers we cannot read all come back as `transient`.
 * Any unexpected answer is transient too, never a decline, because a decline
 * releases the held funds and must only follow the provider's explicit word.
 */
export class ProviderClient {
  constructor(private options: ProviderClientOptions = payoutsConfig.provider) {}

  async pay(request: PayRequest): Promise<PayResult> {
    return this.#timed('pay', async () => {
      const answer = await this.#call('POST', '/payouts', {
        headers: { 'Idempotency-Key': request.payoutId },
        body: {
          payout_id: request.payoutId,
          amount: request.amount,
          currency: request.currency,
          recipient_details: request.recipientDetails,
        },
      })
      if ('kind' in answer) return answer
      return readDecision(answer, { succeeded: 200, pending: 202, declined: 422 })
    })
  }

  async status(payoutId: string): Promise<StatusResult> {
    return this.#timed('status', async () => {
      const answer = await this.#call('GET', `/payouts/${encodeURIComponent(payoutId)}`)
      if ('kind' in answer) return answer
      if (answer.status === 404 && answer.body?.status === 'not_found') return { kind: 'not_found' }
      return readDecision(answer, { succeeded: 200, pending: 200, declined: 200 })
    })
  }

  async #timed<T extends StatusResult>(operation: 'pay' | 'status', call: () => Promise<T>) {
    const stop = providerCallDuration.startTimer({ operation })
    const result = await call()
    stop({ outcome: result.kind })
    return result
  }

  async #call(
    method: 'GET' | 'POST',
    path: string,
    init: { headers?: Record<string, string>; body?: unknown } = {}
  ): Promise<Answer | ProviderTransient> {
    try {
      const response = await fetch(new URL(path, this.options.url), {
        method,
        headers: {
          Accept: 'application/json',
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      })
      const text = await response.text()
      let body: Record<string, unknown> | null = null
      try {
        const parsed: unknown = JSON.parse(text)
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
          body = parsed as Record<string, unknown>
        }
      } catch {
        body = null
      }
      return { status: response.status, body }
    } catch (error) {
      return { kind: 'transient', reason: describeFailure(error, this.options.timeoutMs) }
    }
  }
}

/* The HTTP status that carries each kind of decision differs between pay() and status(). */
function readDecision(
  answer: Answer,
  statuses: { succeeded: number; pending: number; declined: number }
): PayResult {
  const body = answer.body
  const reference = body?.provider_reference
  if (typeof reference === 'string' && reference) {
    if (answer.status === statuses.succeeded && body?.status === 'succeeded') {
      return { kind: 'succeeded', providerReference: reference }
    }
    if (answer.status === statuses.pending && body?.status === 'pending') {
      return { kind: 'pending', providerReference: reference }
    }
  }
  if (
    answer.status === statuses.declined &&
    body?.status === 'declined' &&
    typeof body.failure_code === 'string' &&
    body.failure_code
  ) {
    return {
      kind: 'declined',
      failureCode: body.failure_code,
      failureMessage: typeof body.failure_message === 'string' ? body.failure_message : '',
    }
  }
  return unexpected(answer)
}

function unexpected(answer: Answer): ProviderTransient {
  if (answer.status >= 500) {
    const error = typeof answer.body?.error === 'string' ? ` ${answer.body.error}` : ''
    return { kind: 'transient', reason: `HTTP ${answer.status}${error}` }
  }
  return {
    kind: 'transient',
    reason: `malformed answer: HTTP ${answer.status} ${JSON.stringify(answer.body)}`.slice(0, 300),
  }
}

function describeFailure(error: unknown, timeoutMs: number) {
  const failure = error as { name?: string; message?: string; cause?: { code?: string } }
  if (failure.name === 'TimeoutError') return `timeout: no answer within ${timeoutMs} ms`
  const code = failure.cause?.code
  if (code === 'ECONNREFUSED') return 'unreachable: connection refused'
  return `unreachable: ${code ?? failure.message ?? 'network error'}`
}
