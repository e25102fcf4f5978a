import {
  apiMutation,
  apiOperation,
  errors,
  jsonResponse,
  listOf,
  listParameters,
  nullable,
  parameterRef,
  refusal,
  schemaRef,
} from '#openapi/components'
import type { OpenApiSection, Parameter, Schema } from '#openapi/types'

const tags = ['dead-letters']
const ability = 'dlq:manage' as const

const STATUSES = ['open', 'replayed', 'discarded'] as const

const filter = (name: string, description: string, schema: Schema): Parameter => ({
  name,
  in: 'query',
  description,
  schema,
})

const instant: Schema = { type: 'string', examples: ['2026-01-31T12:00:00Z'] }

const closed = 'E_INVALID_STATE: the dead letter was already replayed or discarded'

export const deadLettersSection: OpenApiSection = {
  tag: {
    name: 'dead-letters',
    description:
      'Messages that reached the `payouts.dead` queue (poison, or retries exhausted), mirrored ' +
      'into the database for operators to inspect, replay or discard',
  },
  schemas: {
    DeadLetter: {
      type: 'object',
      required: [
        'id',
        'queue',
        'payout_id',
        'account_id',
        'reason',
        'error_code',
        'attempts',
        'last_error',
        'errors',
        'payload',
        'status',
        'resolved_by',
        'resolved_at',
        'created_at',
        'updated_at',
      ],
      additionalProperties: false,
      properties: {
        id: schemaRef('Id'),
        queue: {
          type: 'string',
          description: 'The queue the message died on',
          examples: ['payouts.process'],
        },
        payout_id: nullable(schemaRef('Id')),
        account_id: nullable(schemaRef('Id')),
        reason: {
          type: 'string',
          description:
            'Why it died: `exhausted` (provider retries used up), `poison` (a message the ' +
            'worker cannot read), or the broker’s own reason (`rejected`, `expired`, …)',
          examples: ['exhausted'],
        },
        error_code: {
          type: ['string', 'null'],
          examples: ['provider_unavailable', 'unparseable_message'],
        },
        attempts: { type: 'integer', minimum: 0 },
        last_error: { type: ['string', 'null'] },
        errors: {
          type: 'array',
          description: 'The error of each failed provider attempt, oldest first',
          items: {
            type: 'object',
            properties: {
              attempt: { type: ['integer', 'null'] },
              error: { type: ['string', 'null'] },
              at: { type: 'string', format: 'date-time', description: 'When it failed' },
            },
          },
        },
        payload: { type: 'object', description: 'The message body as it was dead-lettered' },
        status: { type: 'string', enum: STATUSES },
        resolved_by: {
          type: ['string', 'null'],
          description: 'Who replayed or discarded it (`user:<id>`)',
        },
        resolved_at: nullable(schemaRef('Timestamp')),
        created_at: schemaRef('Timestamp'),
        updated_at: schemaRef('Timestamp'),
      },
    },
  },
  paths: {
    '/api/v1/dead-letters': {
      get: apiOperation({
        operationId: 'listDeadLetters',
        summary: 'Dead letters, newest first',
        tags,
        ability,
        parameters: [
          filter('status', 'Only dead letters in this status', { type: 'string', enum: STATUSES }),
          filter('payout_id', 'Only the dead letters of this payout', schemaRef('Id')),
          filter('account_id', "Only the dead letters of this account's payouts", schemaRef('Id')),
          filter('error_code', 'Only dead letters with this error code', {
            type: 'string',
            maxLength: 100,
          }),
          filter(
            'created_from',
            'Only dead letters recorded at or after this ISO 8601 instant',
            instant
          ),
          filter(
            'created_to',
            'Only dead letters recorded at or before this ISO 8601 instant',
            instant
          ),
          ...listParameters(),
        ],
        responses: {
          '200': jsonResponse('A page of dead letters', listOf(schemaRef('DeadLetter'))),
          ...errors('422'),
        },
      }),
    },
    '/api/v1/dead-letters/{id}': {
      parameters: [parameterRef('Id')],
      get: apiOperation({
        operationId: 'getDeadLetter',
        summary: 'One dead letter',
        tags,
        ability,
        responses: {
          '200': jsonResponse('The dead letter', schemaRef('DeadLetter')),
          ...errors('404'),
        },
      }),
    },
    '/api/v1/dead-letters/{id}/replay': {
      parameters: [parameterRef('Id')],
      post: apiMutation({
        operationId: 'replayDeadLetter',
        summary: 'Send the work back to its queue',
        description:
          'Closes an open dead letter as `replayed` and sends its message back to work through ' +
          'the outbox. A FAILED payout in it moves back to PROCESSING and its funds are held again.',
        tags,
        ability,
        responses: {
          '200': jsonResponse('The dead letter, status `replayed`', schemaRef('DeadLetter')),
          ...errors('404'),
          '409': refusal(
            `E_INSUFFICIENT_FUNDS: the balance no longer covers the payout's amount plus fee; or ${closed}, or its payout is COMPLETED or CANCELED`
          ),
        },
      }),
    },
    '/api/v1/dead-letters/{id}/discard': {
      parameters: [parameterRef('Id')],
      post: apiMutation({
        operationId: 'discardDeadLetter',
        summary: 'Close without retry',
        description:
          'Closes an open dead letter as `discarded`. A payout in it that is still NEW or ' +
          'PROCESSING ends FAILED (`failure_code` `discarded`) and its hold is released, unless ' +
          'the provider has accepted it: that payout is settled by the provider, so the discard ' +
          'is refused (replay the letter to check its status).',
        tags,
        ability,
        responses: {
          '200': jsonResponse('The dead letter, status `discarded`', schemaRef('DeadLetter')),
          ...errors('404'),
          '409': refusal(
            `${closed}; or its payout was accepted by the provider and awaits its answer`
          ),
        },
      }),
    },
  },
}
