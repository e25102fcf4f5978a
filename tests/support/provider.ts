import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import {
  MockProviderServer,
  type MockProviderOptions,
} from '#dev/mock_provider/mock_provider_server'
import { ProviderClient } from '#infrastructure/provider/provider_client'

export const TEST_WEBHOOK_SECRET = 'test-provider-secret'

/* The mock provider in this process, on a free port, deterministic and fast. */
export async function startMockProvider(overrides: Partial<MockProviderOptions> = {}) {
  const server = new MockProviderServer({
    port: 0,
    host: '127.0.0.1',
    latencyMs: 0,
    errorRate: 0,
    declineRate: 0,
    slowDelayMs: 600,
    webhookUrl: 'http://127.0.0.1:1/unused',
    webhookDelayMs: 100,
    webhookSecret: TEST_WEBHOOK_SECRET,
    webhookRetryBaseMs: 50,
    ...overrides,
  })
  await server.start()
  return server
}

export function clientFor(server: { url: string }, timeoutMs = 2000) {
  return new ProviderClient({ url: server.url, timeoutMs })
}

export function payRequest(recipientDetails: string, payoutId: string = randomUUID()) {
  return { payoutId, amount: '100.00', currency: 'EUR', recipientDetails }
}

/* The mock's own record of a payout (GET /payouts/:id), with its `payments` count. */
export async function inquiry(server: { url: string }, payoutId: string) {
  const response = await fetch(`${server.url}/payouts/${payoutId}`)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

export async function statsOf(server: { url: string }) {
  return (await (await fetch(`${server.url}/stats`)).json()) as Record<string, number>
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  body: string
}

/*
 * A small HTTP server standing in for our webhook endpoint: records every
 * request and answers with the next status of `statuses` (200 once they run out).
 */
export async function startReceiver(statuses: number[] = []) {
  const received: ReceivedRequest[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(statuses.shift() ?? 200, { 'Content-Type': 'application/json' })
      response.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/webhooks/provider`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
