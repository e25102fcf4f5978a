import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/* One span as an OTLP/HTTP JSON export carries it, flattened with its service name. */
export interface ReceivedSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  /* OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number
  attributes: Record<string, unknown>
  links: { traceId: string; spanId: string }[]
}

export const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const

type AnyValue = {
  stringValue?: string
  intValue?: string | number
  boolValue?: boolean
  doubleValue?: number
}
type KeyValue = { key: string; value: AnyValue }

/*
 * A tiny OTLP/HTTP receiver (OTEL_EXPORTER_OTLP_PROTOCOL=http/json): the
 * processes under test export their spans here, as they would to a collector.
 */
export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        spans.push(...flatten(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function flatten(body: any): ReceivedSpan[] {
  const spans: ReceivedSpan[] = []
  for (const resourceSpans of body.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'])
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          service,
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name,
          kind: span.kind,
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).map((link: { traceId: string; spanId: string }) => ({
            traceId: hex(link.traceId),
            spanId: hex(link.spanId),
          })),
        })
      }
    }
  }
  return spans
}

function attributesOf(list: KeyValue[] = []) {
  const attributes: Record<string, unknown> = {}
  for (const { key, value } of list) {
    attributes[key] =
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? null
  }
  return attributes
}

/* OTLP/JSON ids are hex; accept base64 too, in case an exporter sends protobuf's JSON mapping. */
function hex(id: string | undefined) {
  if (!id) return ''
  return /^[\da-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex')
}
