import { PAYOUT_STATUSES } from '#domain/payout_state'
import {
  apiMutation,
  apiOperation,
  errors,
  jsonBody,
  jsonResponse,
  listOf,
  listParameters,
  nullable,
  parameterRef,
  refusal,
  schemaRef,
} from '#openapi/components'
import type { OpenApiSection, Parameter, Schema } from '#openapi/types'

const tags = ['payouts']

const status: Schema = { type: 'string', enum: PAYOUT_STATUSES }

const instantFilter = (name: string, description: string): Parameter => ({
  name,
  in: 'query',
  description: `${description}; an ISO 8601 date or date-time (no zone means UTC)`,
  schema: { type: 'string', examples: ['2026-01-31T12:00:00Z'] },
})

const invalidState = (what: string) =>
  refusal(`E_INVALID_STATE: the payout is no longer NEW, so it cannot be ${what}`)

const PAYOUT_FIELDS = [
  'id',
  'account_id',
  'amount',
  'fee',
  'currency',
  'status',
  'recipient_details',
  'comment',
  'attempts',
  'failure_code',
  'failure_message',
  'provider_reference',
  'created_at',
  'updated_at',
  'completed_at',
]

const payoutProperties: Record<string, Schema> = {
  id: schemaRef('Id'),
  account_id: schemaRef('Id'),
  amount: schemaRef('Amount'),
  fee: {
    ...schemaRef('Amount'),
    description: 'amount × FEE_BPS / 10000, rounded half up to the minor unit',
  },
  currency: schemaRef('Currency'),
  status,
  recipient_details: { type: 'string', minLength: 1, maxLength: 500 },
  comment: { type: ['string', 'null'], maxLength: 1000 },
  attempts: {
    type: 'integer',
    minimum: 0,
    description: 'Provider attempts made so far',
  },
  failure_code: { type: ['string', 'null'], examples: ['provider_unavailable'] },
  failure_message: { type: ['string', 'null'] },
  provider_reference: { type: ['string', 'null'] },
  created_at: schemaRef('Timestamp'),
  updated_at: schemaRef('Timestamp'),
  completed_at: nullable(schemaRef('Timestamp')),
}

const cancellation = {
  tags,
  ability: 'payouts:write' as const,
  description:
    'NEW → CANCELED; the hold (amount + fee) goes back to the balance as a `payout_release` ' +
    'transaction. Of concurrent cancels exactly one moves the payout, the others get 409.',
  responses: {
    '200': jsonResponse('The canceled payout', schemaRef('Payout')),
    ...errors('404'),
    '409': invalidState('canceled'),
  },
}

export const payoutsSection: OpenApiSection = {
  tag: {
    name: 'payouts',
    description:
      'Payouts from an account, their state machine (NEW → PROCESSING → COMPLETED | FAILED; ' +
      'NEW → CANCELED; FAILED → PROCESSING on an operator replay) and their timeline',
  },
  schemas: {
    Payout: {
      type: 'object',
      description:
        'While NEW or PROCESSING, amount + fee is held on the account (a `payout_hold` ' +
        'transaction); CANCELED and FAILED release it. A new payout has `attempts` 0 and ' +
        '`completed_at`, `failure_code`, `failure_message` null.',
      required: PAYOUT_FIELDS,
      additionalProperties: false,
      properties: payoutProperties,
    },
    PayoutEvent: {
      type: 'object',
      description:
        'One entry of the timeline. A status move has `from_status` and `to_status` (the ' +
        'first event, `created`, has `from_status` null and `to_status` NEW); other facts ' +
        '(`updated`, `attempt_failed`, `retry_scheduled`, `provider_pending`) have both null.',
      required: ['type', 'from_status', 'to_status', 'actor', 'details', 'created_at'],
      additionalProperties: false,
      properties: {
        type: {
          type: 'string',
          examples: [
            'created',
            'updated',
            'processing',
            'completed',
            'failed',
            'canceled',
            'attempt_failed',
            'retry_scheduled',
            'provider_pending',
          ],
        },
        from_status: { type: ['string', 'null'], enum: [...PAYOUT_STATUSES, null] },
        to_status: { type: ['string', 'null'], enum: [...PAYOUT_STATUSES, null] },
        actor: {
          type: 'string',
          description: 'Who did it: `user:<id>`, `worker` or `provider`',
          examples: ['worker'],
        },
        details: {
          type: 'object',
          description: 'Facts of the event, e.g. `{"attempt": 1}` or `{"changed": ["comment"]}`',
        },
        created_at: schemaRef('Timestamp'),
      },
    },
    PayoutWithEvents: {
      type: 'object',
      description: 'A payout and its timeline, oldest event first',
      required: [...PAYOUT_FIELDS, 'events'],
      additionalProperties: false,
      properties: {
        ...payoutProperties,
        events: { type: 'array', items: schemaRef('PayoutEvent') },
      },
    },
    CreatePayout: {
      type: 'object',
      required: ['account_id', 'amount', 'currency', 'recipient_details'],
      properties: {
        account_id: schemaRef('Id'),
        amount: schemaRef('AmountInput'),
        currency: {
          ...schemaRef('Currency'),
          description: "ISO 4217 code; must be the account's currency (422 otherwise)",
        },
        recipient_details: {
          type: 'string',
          minLength: 1,
          maxLength: 500,
          description:
            'Where the money goes. With the mock provider its prefix picks the answer: ' +
            '`decline`, `flaky`, `down`, `slow`, `async` (see CONTRACT.md)',
        },
        comment: { type: ['string', 'null'], maxLength: 1000 },
      },
    },
    UpdatePayout: {
      type: 'object',
      description: 'At least one of the two fields (422 when neither is sent)',
      properties: {
        comment: { type: ['string', 'null'], maxLength: 1000 },
        recipient_details: { type: 'string', minLength: 1, maxLength: 500 },
      },
    },
  },
  paths: {
    '/api/v1/payouts': {
      post: apiMutation({
        operationId: 'createPayout',
        summary: 'Open a payout and hold amount + fee',
        description:
          'Holds amount + fee on the account, writes the payout in NEW and queues it for ' +
          'processing, all in one transaction. A refusal creates nothing.',
        tags,
        ability: 'payouts:write',
        requestBody: jsonBody(schemaRef('CreatePayout')),
        responses: {
          '201': jsonResponse('The new payout, status NEW', schemaRef('Payout')),
          '409': refusal('E_INSUFFICIENT_FUNDS: the balance does not cover amount plus fee'),
          '422': refusal(
            'E_VALIDATION_ERROR: an invalid field; also `currency` (rule `currency_mismatch`) ' +
              "when it is not the account's currency and `account_id` (rule `exists`) for an " +
              'unknown account; or E_IDEMPOTENCY_KEY_REUSED'
          ),
        },
      }),
      get: apiOperation({
        operationId: 'listPayouts',
        summary: 'Payouts, newest first',
        tags,
        ability: 'payouts:read',
        parameters: [
          {
            name: 'status',
            in: 'query',
            description: 'Only payouts in this status',
            schema: status,
          },
          {
            name: 'account_id',
            in: 'query',
            description: 'Only payouts of this account',
            schema: schemaRef('Id'),
          },
          instantFilter('created_from', 'Only payouts created at or after this instant'),
          instantFilter('created_to', 'Only payouts created at or before this instant'),
          ...listParameters(),
        ],
        responses: {
          '200': jsonResponse('A page of payouts', listOf(schemaRef('Payout'))),
          ...errors('422'),
        },
      }),
    },
    '/api/v1/payouts/{id}': {
      parameters: [parameterRef('Id')],
      get: apiOperation({
        operationId: 'getPayout',
        summary: 'One payout with its timeline',
        tags,
        ability: 'payouts:read',
        responses: {
          '200': jsonResponse('The payout and its events', schemaRef('PayoutWithEvents')),
          ...errors('404'),
        },
      }),
      patch: apiMutation({
        operationId: 'updatePayout',
        summary: 'Change comment or recipient details while NEW',
        tags,
        ability: 'payouts:write',
        requestBody: jsonBody(schemaRef('UpdatePayout')),
        responses: {
          '200': jsonResponse('The updated payout', schemaRef('Payout')),
          ...errors('404'),
          '409': invalidState('edited'),
        },
      }),
      delete: apiMutation({
        ...cancellation,
        operationId: 'deletePayout',
        summary: 'Cancel a NEW payout (same as POST …/cancel)',
      }),
    },
    '/api/v1/payouts/{id}/cancel': {
      parameters: [parameterRef('Id')],
      post: apiMutation({
        ...cancellation,
        operationId: 'cancelPayout',
        summary: 'Cancel a NEW payout and release its hold',
      }),
    },
  },
}
