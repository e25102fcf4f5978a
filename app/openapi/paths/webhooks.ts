import { errors, json, jsonBody, publicOperation } from '#openapi/components'
import type { OpenApiSection, Schema } from '#openapi/types'

const providerEvent: Schema = {
  type: 'object',
  required: ['event_id', 'payout_id', 'provider_reference', 'status'],
  properties: {
    event_id: { type: 'string', description: 'The same event_id twice has one effect' },
    payout_id: { type: 'string', format: 'uuid' },
    provider_reference: { type: 'string' },
    status: { type: 'string', enum: ['succeeded', 'failed'] },
    failure_code: { type: 'string' },
    failure_message: { type: 'string' },
  },
}

export const webhooksSection: OpenApiSection = {
  tag: {
    name: 'webhooks',
    description: 'Callbacks from the payment provider, signed instead of token-authenticated',
  },
  schemas: { ProviderEvent: providerEvent },
  paths: {
    '/webhooks/provider': {
      post: publicOperation({
        operationId: 'providerWebhook',
        summary: 'A payout result from the payment provider',
        description:
          'Header `Provider-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` with ' +
          'PROVIDER_WEBHOOK_SECRET (any of the configured secrets during rotation). Older than ' +
          '300 s or a wrong signature: 401. A PROCESSING payout moves to COMPLETED or FAILED ' +
          '(hold released); a stale or repeated event changes nothing.',
        tags: ['webhooks'],
        parameters: [
          {
            name: 'Provider-Signature',
            in: 'header',
            required: true,
            schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-f]{64}' },
          },
        ],
        requestBody: jsonBody(providerEvent),
        responses: {
          '200': {
            description: 'Received; `applied` says whether it changed the payout',
            content: json({
              type: 'object',
              required: ['received', 'applied'],
              properties: { received: { type: 'boolean' }, applied: { type: 'boolean' } },
            }),
          },
          ...errors('400', '401', '422', '429'),
        },
      }),
    },
  },
}
