import { json, publicOperation } from '#openapi/components'
import type { OpenApiSection, Schema } from '#openapi/types'

const check: Schema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    message: { type: 'string', description: 'Why the check failed' },
  },
}

const readiness: Schema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    checks: {
      type: 'object',
      required: ['database', 'rabbitmq'],
      properties: { database: check, rabbitmq: check },
    },
  },
}

export const serviceSection: OpenApiSection = {
  tag: { name: 'service', description: 'Health, metrics and this document; no token needed' },
  paths: {
    '/health/live': {
      get: publicOperation({
        operationId: 'healthLive',
        summary: 'The process is up',
        tags: ['service'],
        responses: {
          '200': {
            description: 'Alive',
            content: json({
              type: 'object',
              required: ['status'],
              properties: { status: { type: 'string', const: 'ok' } },
            }),
          },
        },
      }),
    },
    '/health/ready': {
      get: publicOperation({
        operationId: 'healthReady',
        summary: 'PostgreSQL and RabbitMQ are reachable',
        tags: ['service'],
        responses: {
          '200': { description: 'Ready', content: json(readiness) },
          '503': { description: 'A dependency is unreachable', content: json(readiness) },
        },
      }),
    },
    '/metrics': {
      get: publicOperation({
        operationId: 'metrics',
        summary: 'Prometheus metrics',
        description:
          'Text exposition format: `http_request_duration_seconds` by route pattern, method ' +
          'and status, Node.js process metrics, and feature counters.',
        tags: ['service'],
        responses: {
          '200': {
            description: 'Prometheus text format',
            content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
          },
        },
      }),
    },
    '/openapi.json': {
      get: publicOperation({
        operationId: 'openapi',
        summary: 'This OpenAPI 3.1 document',
        tags: ['service'],
        responses: {
          '200': { description: 'The document', content: json({ type: 'object' }) },
        },
      }),
    },
    '/docs': {
      get: publicOperation({
        operationId: 'docs',
        summary: 'Swagger UI for this document, served without any CDN',
        tags: ['service'],
        responses: {
          '200': {
            description: 'HTML page',
            content: { 'text/html': { schema: { type: 'string' } } },
          },
        },
      }),
    },
  },
}
