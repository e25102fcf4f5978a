import { TOKEN_ABILITIES, ROLES } from '#domain/roles'
import { apiOperation, jsonResponse, nullable, schemaRef } from '#openapi/components'
import type { OpenApiSection } from '#openapi/types'

export const meSection: OpenApiSection = {
  tag: { name: 'me', description: 'Who the token belongs to' },
  schemas: {
    Me: {
      type: 'object',
      required: ['id', 'email', 'role', 'token'],
      additionalProperties: false,
      properties: {
        id: schemaRef('Id'),
        email: { type: 'string', format: 'email' },
        role: { type: 'string', enum: ROLES },
        token: {
          type: 'object',
          required: ['name', 'abilities', 'expires_at'],
          additionalProperties: false,
          properties: {
            name: { type: ['string', 'null'] },
            abilities: {
              type: 'array',
              items: { type: 'string', enum: ['*', ...TOKEN_ABILITIES] },
            },
            expires_at: nullable(schemaRef('Timestamp')),
          },
        },
      },
    },
  },
  paths: {
    '/api/v1/me': {
      get: apiOperation({
        operationId: 'getMe',
        summary: 'The token owner and the token',
        tags: ['me'],
        responses: { '200': jsonResponse('The token owner', schemaRef('Me')) },
      }),
    },
  },
}
