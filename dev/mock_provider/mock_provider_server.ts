import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { randomBytes, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { context, ROOT_CONTEXT } from '@opentelemetry/api'
import {
  ProviderWebhookSignature,
  SIGNATURE_HEADER,
} from '#infrastructure/provider/webhook_signature'

export interface MockProviderOptions {
  /* 0 picks a free port (see `port` after start()). */
  port: number
  host?: string
  latencyMs: number
  errorRate: number
  declineRate: number
  /* How long a `slow` payout's first answer takes: longer than the client's timeout. */
  slowDelayMs: number
  webhookUrl: string
  webhookDelayMs: number
  /* Signs callbacks (the first of PROVIDER_WEBHOOK_SECRET). */
  webhookSecret: string
  webhookAttempts?: number
  webhookRetryBaseMs?: number
  /* Source of the random error and decline draws; Math.random by default. */
  random?: () => number
  logger?: MockProviderLogger
}

export interface MockProviderLogger {
  info(fields: object, message: string): void
  warn(fields: object, message: string): void
}

type Behaviour = 'decline' | 'flaky' | 'down' | 'slow' | 'async' | 'default'

type Decision =
  | { status: 'succeeded' | 'pending'; providerReference: string }
  | { status: 'declined'; providerReference: string; failureCode: string; failureMessage: string }

interface PayoutRecord {
  payoutId: string
  /* amount, currency and recipient of the first request: a reuse with other values is refused. */
  fingerprint: string
  behaviour: Behaviour
  attempts: number
  decision: Decision | null
  /* How many times money moved for this payout; the mock's own proof that it is at most 1. */
  payments: number
}

interface PayRequest {
  payout_id: string
  amount: string
  currency: string
  recipient_details: string
}

interface Answer {
  status: number
  body: Record<string, unknown>
}

const BEHAVIOURS = ['decline', 'flaky', 'down', 'slow', 'async'] as const
const FLAKY_FAILURES = 2
const MAX_BODY_BYTES = 64 * 1024
const UNAVAILABLE: Answer = { status: 503, body: { error: 'temporarily_unavailable' } }

class BadRequest extends Error {}

/*
 * The mock payment provider: a small HTTP service with the behaviour of a
 * real one that tests and demos need (see docs/provider-api.md). How it
 * answers depends on how `recipient_details` starts. Payments are idempotent
 * by payout id: the decision for a payout is taken once, synchronously, before
 * any await, so concurrent or repeated requests can never pay twice. State is
 * kept in memory.
 */
export class MockProviderServer {
  #server: Server | null = null
  #sockets = new Set<Socket>()
  #abort = new AbortController()
  #timers = new Set<NodeJS.Timeout>()
  #payouts = new Map<string, PayoutRecord>()
  #duplicatesRefused = 0
  #webhooksDelivered = 0
  #webhookFailures = 0
  #signature: ProviderWebhookSignature
  #random: () => number

  constructor(private options: MockProviderOptions) {
    this.#signature = new ProviderWebhookSignature([options.webhookSecret])
    this.#random = options.random ?? Math.random
  }

  get port(): number {
    const address = this.#server?.address() as AddressInfo | null | undefined
    if (!address) throw new Error('The mock provider is not listening')
    return address.port
  }

  get url() {
    return `http://127.0.0.1:${this.port}`
  }

  async start() {
    if (this.#server) return
    this.#abort = new AbortController()
    const server = createServer((request, response) => void this.#handle(request, response))
    server.on('connection', (socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    this.options.logger?.info({ port: this.port }, 'mock provider listening')
  }

  /* Stops listening, drops open connections (a delayed answer is never sent) and pending callbacks. */
  async stop() {
    const server = this.#server
    if (!server) return
    this.#server = null
    this.#abort.abort()
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const socket of this.#sockets) socket.destroy()
    await closed
  }

  stats() {
    let payments = 0
    for (const record of this.#payouts.values()) payments += record.payments
    return {
      payouts: this.#payouts.size,
      payments,
      duplicates_refused: this.#duplicatesRefused,
      webhooks_delivered: this.#webhooksDelivered,
      webhook_failures: this.#webhookFailures,
    }
  }

  async #handle(request: IncomingMessage, response: ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://mock').pathname
    try {
      let answer: Answer
      if (request.method === 'GET' && path === '/health') {
        answer = { status: 200, body: { status: 'ok' } }
      } else if (request.method === 'GET' && path === '/stats') {
        answer = { status: 200, body: this.stats() }
      } else if (request.method === 'POST' && path === '/payouts') {
        answer = await this.#pay(request)
      } else if (request.method === 'GET' && path.startsWith('/payouts/')) {
        answer = await this.#inquire(decodePathId(path.slice('/payouts/'.length)))
      } else {
        answer = { status: 404, body: { error: 'not_found' } }
      }
      send(response, answer)
    } catch (error) {
      if (this.#abort.signal.aborted) {
        response.destroy()
      } else if (error instanceof BadRequest) {
        send(response, { status: 400, body: { error: 'invalid_request', message: error.message } })
      } else {
        this.options.logger?.warn({ err: error }, 'mock provider request failed')
        send(response, { status: 500, body: { error: 'internal_error' } })
      }
    }
  }

  async #pay(request: IncomingMessage): Promise<Answer> {
    const input = parsePayRequest(await readBody(request))
    if (request.headers['idempotency-key'] !== input.payout_id) {
      throw new BadRequest('The Idempotency-Key header must be the payout id')
    }
    const fingerprint = `${input.amount} ${input.currency} ${input.recipient_details}`
    let record = this.#payouts.get(input.payout_id)
    if (!record) {
      record = {
        payoutId: input.payout_id,
        fingerprint,
        behaviour: behaviourOf(input.recipient_details),
        attempts: 0,
        decision: null,
        payments: 0,
      }
      this.#payouts.set(input.payout_id, record)
    }
    if (record.fingerprint !== fingerprint) {
      return {
        status: 409,
        body: {
          error: 'idempotency_key_reused',
          message: 'This payout id was sent with other data',
        },
      }
    }
    record.attempts += 1

    if (record.decision) {
      if (record.decision.status !== 'declined') this.#duplicatesRefused += 1
      await this.#wait(this.options.latencyMs)
      return answerFor(record.decision)
    }

    const answer = this.#decide(record)
    const slowFirstAnswer = record.behaviour === 'slow' && record.decision !== null
    await this.#wait(slowFirstAnswer ? this.options.slowDelayMs : this.options.latencyMs)
    return answer
  }

  /* Takes the payout's one decision (or a transient refusal) without awaiting anything. */
  #decide(record: PayoutRecord): Answer {
    const { behaviour } = record
    if (behaviour === 'down') return UNAVAILABLE
    if (behaviour === 'flaky' && record.attempts <= FLAKY_FAILURES) return UNAVAILABLE
    if (this.#random() < this.options.errorRate) return UNAVAILABLE

    const providerReference = `prv_${randomBytes(12).toString('hex')}`
    if (behaviour === 'decline') {
      record.decision = {
        status: 'declined',
        providerReference,
        failureCode: 'account_closed',
        failureMessage: 'The recipient account is closed',
      }
    } else if (this.#random() < this.options.declineRate) {
      record.decision = {
        status: 'declined',
        providerReference,
        failureCode: 'do_not_honor',
        failureMessage: 'The recipient bank refused the transfer',
      }
    } else if (behaviour === 'async') {
      record.decision = { status: 'pending', providerReference }
      this.#settleLater(record)
    } else {
      record.decision = { status: 'succeeded', providerReference }
      record.payments += 1
    }
    this.options.logger?.info(
      { payout_id: record.payoutId, status: record.decision.status, behaviour },
      'mock provider decided'
    )
    return answerFor(record.decision)
  }

  async #inquire(payoutId: string): Promise<Answer> {
    await this.#wait(this.options.latencyMs)
    const record = this.#payouts.get(payoutId)
    // A payout only ever refused with transient errors was never accepted: not found.
    if (!record?.decision) return { status: 404, body: { status: 'not_found' } }
    const { decision } = record
    return {
      status: 200,
      body: {
        payout_id: payoutId,
        status: decision.status,
        provider_reference: decision.providerReference,
        payments: record.payments,
        ...(decision.status === 'declined'
          ? { failure_code: decision.failureCode, failure_message: decision.failureMessage }
          : {}),
      },
    }
  }

  /* An `async` payout is paid after the webhook delay, then announced by a signed callback. */
  #settleLater(record: PayoutRecord) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (record.decision?.status !== 'pending') return
      record.decision = {
        status: 'succeeded',
        providerReference: record.decision.providerReference,
      }
      record.payments += 1
      const event = {
        event_id: `evt_${randomUUID()}`,
        payout_id: record.payoutId,
        provider_reference: record.decision.providerReference,
        status: 'succeeded',
      }
      // Like a real provider, the callback carries no trace context of the payment call.
      void context.with(ROOT_CONTEXT, () => this.#deliver(event))
    }, this.options.webhookDelayMs)
    this.#timers.add(timer)
  }

  /* Sends one event, retrying with exponential backoff (same event_id) until a 2xx. */
  async #deliver(event: Record<string, string>) {
    const body = JSON.stringify(event)
    const attempts = this.options.webhookAttempts ?? 5
    const baseMs = this.options.webhookRetryBaseMs ?? 500
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.#abort.signal.aborted) return
      let outcome: string
      try {
        const response = await fetch(this.options.webhookUrl, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            [SIGNATURE_HEADER]: this.#signature.sign(body),
          },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(5000), this.#abort.signal]),
        })
        await response.arrayBuffer()
        if (response.ok) {
          this.#webhooksDelivered += 1
          this.options.logger?.info({ event_id: event.event_id, attempt }, 'webhook delivered')
          return
        }
        outcome = `HTTP ${response.status}`
      } catch (error) {
        if (this.#abort.signal.aborted) return
        const failure = error as Error & { cause?: { code?: string } }
        outcome = failure.cause?.code ?? failure.message
      }
      this.#webhookFailures += 1
      this.options.logger?.warn(
        { event_id: event.event_id, attempt, outcome, url: this.options.webhookUrl },
        'webhook delivery failed'
      )
      if (attempt < attempts) {
        try {
          await this.#wait(baseMs * 2 ** (attempt - 1))
        } catch {
          return
        }
      }
    }
    this.options.logger?.warn(
      { event_id: event.event_id, payout_id: event.payout_id, attempts },
      'webhook given up'
    )
  }

  async #wait(ms: number) {
    if (ms > 0) await sleep(ms, undefined, { signal: this.#abort.signal })
  }
}

function decodePathId(segment: string) {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new BadRequest('The payout id in the path is not valid')
  }
}

function behaviourOf(recipientDetails: string): Behaviour {
  const start = recipientDetails.trimStart().toLowerCase()
  return BEHAVIOURS.find((prefix) => start.startsWith(prefix)) ?? 'default'
}

function answerFor(decision: Decision): Answer {
  switch (decision.status) {
    case 'succeeded':
      return {
        status: 200,
        body: { status: 'succeeded', provider_reference: decision.providerReference },
      }
    case 'pending':
      return {
        status: 202,
        body: { status: 'pending', provider_reference: decision.providerReference },
      }
    case 'declined':
      return {
        status: 422,
        body: {
          status: 'declined',
          failure_code: decision.failureCode,
          failure_message: decision.failureMessage,
        },
      }
  }
}

function send(response: ServerResponse, answer: Answer) {
  if (response.destroyed) return
  const body = JSON.stringify(answer.body)
  response.writeHead(answer.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  })
  response.end(body)
}

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new BadRequest('The body is too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parsePayRequest(text: string): PayRequest {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new BadRequest('The body must be JSON')
  }
  const input = (body ?? {}) as Record<string, unknown>
  const text255 = (value: unknown) =>
    typeof value === 'string' && value.length > 0 && value.length <= 255
  if (!text255(input.payout_id)) throw new BadRequest('payout_id is required')
  if (typeof input.amount !== 'string' || !/^\d+(\.\d+)?$/.test(input.amount)) {
    throw new BadRequest('amount must be a decimal string')
  }
  if (typeof input.currency !== 'string' || !/^[A-Z]{3}$/.test(input.currency)) {
    throw new BadRequest('currency must be an ISO 4217 code')
  }
  if (typeof input.recipient_details !== 'string' || input.recipient_details.length === 0) {
    throw new BadRequest('recipient_details is required')
  }
  return input as unknown as PayRequest
}
