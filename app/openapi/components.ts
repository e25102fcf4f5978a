import type { TokenAbility } from '#domain/roles'
import type {
  Components,
  Operation,
  Reference,
  RequestBody,
  Response,
  Schema,
} from '#openapi/types'
import { RATE_LIMIT_HEADERS, TOO_MANY_REQUESTS_HEADERS } from '#openapi/rate_limit_headers'

/*
 * Components shared by every feature (CONTRACT.md, "HTTP conventions" and
 * "Idempotency"), and the builders path files use to describe an operation in
 * a few lines.
 */

export const BEARER = 'bearer'

const errorSchema = (): Reference => ({ $ref: '#/components/schemas/Error' })

const errorResponse = (description: string, headers?: Response['headers']): Response => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: errorSchema() } },
})

export const sharedComponents = {
  securitySchemes: {
    [BEARER]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'AdonisJS access token (pat_…)',
      description:
        'An API access token from `npm run ace -- tokens:create <email> --abilities=<list or *>` ' +
        'or the dashboard. Abilities: accounts:read, accounts:write, payouts:read, ' +
        "payouts:write, dlq:manage; `*` means all. A token can do only what its owner's role " +
        'allows, checked on every request (viewer: accounts:read, payouts:read; operator and ' +
        'admin: all). New tokens expire after TOKEN_DEFAULT_EXPIRY (90 days) unless created ' +
        'with another lifetime or `never`.',
    },
  },
  schemas: {
    ErrorEntry: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', pattern: '^E_[A-Z0-9_]+$', examples: ['E_VALIDATION_ERROR'] },
        message: { type: 'string', minLength: 1 },
        field: { type: 'string', description: 'The offending field, for validation errors' },
        rule: { type: 'string', description: 'The VineJS rule that failed, for validation errors' },
      },
    },
    Error: {
      type: 'object',
      required: ['errors'],
      additionalProperties: false,
      properties: {
        errors: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/ErrorEntry' } },
      },
      examples: [{ errors: [{ code: 'E_NOT_FOUND', message: 'Resource not found' }] }],
    },
    ListMeta: {
      type: 'object',
      required: ['next_cursor'],
      additionalProperties: false,
      properties: {
        next_cursor: {
          type: ['string', 'null'],
          description: 'Pass as `?cursor=` for the next page; null on the last page',
        },
      },
    },
    Id: { type: 'string', format: 'uuid', description: 'Opaque identifier' },
    Timestamp: { type: 'string', format: 'date-time', description: 'ISO 8601, UTC' },
    Currency: {
      type: 'string',
      pattern: '^[A-Z]{3}$',
      description: 'ISO 4217 code',
      examples: ['EUR'],
    },
    Amount: {
      type: 'string',
      pattern: '^-?[0-9]+(\\.[0-9]+)?$',
      description: "Decimal string in major units, with the currency's number of decimals",
      examples: ['100.00'],
    },
    AmountInput: {
      type: ['string', 'number'],
      description:
        'Decimal in major units ("100.00"); a JSON number is read as its exact decimal text. ' +
        'More decimals than the currency has, zero, negative, non-numeric or above the ' +
        'configured maximum: 422.',
      examples: ['100.00'],
    },
  },
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: the first response is stored (scoped to the token owner) and ' +
        'replayed with `Idempotent-Replayed: true`. Reusing the key for a different request: ' +
        '422 E_IDEMPOTENCY_KEY_REUSED; while the first is still running: 409 ' +
        'E_IDEMPOTENCY_KEY_IN_USE with Retry-After.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' },
    },
    Limit: {
      name: 'limit',
      in: 'query',
      description: 'Page size',
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    },
    Cursor: {
      name: 'cursor',
      in: 'query',
      description: '`meta.next_cursor` of the previous page',
      schema: { type: 'string' },
    },
    Id: {
      name: 'id',
      in: 'path',
      required: true,
      description: 'An id that is unknown or not well formed is a 404',
      schema: { type: 'string' },
    },
  },
  headers: {
    IdempotentReplayed: {
      description: 'Present when this is a stored answer to an earlier request with the same key',
      schema: { type: 'string', const: 'true' },
    },
    ...RATE_LIMIT_HEADERS,
  },
  responses: {
    BadRequest: errorResponse(
      'E_BAD_REQUEST: malformed JSON, a body that is not JSON, or a malformed Idempotency-Key'
    ),
    Unauthorized: errorResponse('E_UNAUTHORIZED: the Bearer token is missing or not valid', {
      'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer' } },
    }),
    Forbidden: errorResponse('E_FORBIDDEN: the token lacks the ability this operation needs'),
    NotFound: errorResponse('E_NOT_FOUND: unknown id, or an id that is not well formed'),
    Conflict: errorResponse(
      'E_IDEMPOTENCY_KEY_IN_USE: an earlier request with this Idempotency-Key is still running',
      { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }
    ),
    TooManyRequests: errorResponse(
      'E_TOO_MANY_REQUESTS: over the rate limit (per token for the API, per source address for ' +
        'the webhook); retry after Retry-After seconds. Never stored as an Idempotency-Key answer.',
      TOO_MANY_REQUESTS_HEADERS
    ),
    ValidationError: errorResponse(
      'E_VALIDATION_ERROR: one entry per invalid field, with `field` and `rule`; on POST, PATCH ' +
        'and DELETE also E_IDEMPOTENCY_KEY_REUSED'
    ),
  },
} satisfies Components

type SharedSchema = keyof typeof sharedComponents.schemas
type SharedParameter = keyof typeof sharedComponents.parameters
type SharedResponse = keyof typeof sharedComponents.responses

/* A $ref to a schema: a shared one, or one a section registers. */
export function schemaRef(name: SharedSchema | (string & {})): Schema {
  return { $ref: `#/components/schemas/${name}` }
}

export function parameterRef(name: SharedParameter): Reference {
  return { $ref: `#/components/parameters/${name}` }
}

export function responseRef(name: SharedResponse): Reference {
  return { $ref: `#/components/responses/${name}` }
}

export function json(schema: Schema) {
  return { 'application/json': { schema } }
}

export function jsonBody(schema: Schema, description?: string): RequestBody {
  return { required: true, ...(description ? { description } : {}), content: json(schema) }
}

export function jsonResponse(description: string, schema: Schema): Response {
  return { description, content: json(schema) }
}

/* A business refusal, e.g. `refusal('E_ACCOUNT_EXISTS: that external_ref and currency exist')`. */
export function refusal(description: string): Response {
  return errorResponse(description)
}

/* The contract's list envelope: `{data: [...], meta: {next_cursor}}`. */
export function listOf(item: Schema): Schema {
  return {
    type: 'object',
    required: ['data', 'meta'],
    additionalProperties: false,
    properties: { data: { type: 'array', items: item }, meta: schemaRef('ListMeta') },
  }
}

export const listParameters = (): Reference[] => [parameterRef('Limit'), parameterRef('Cursor')]

export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] })

type ErrorStatus = '400' | '401' | '403' | '404' | '409' | '422' | '429'

const ERROR_RESPONSES: Record<ErrorStatus, SharedResponse> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '422': 'ValidationError',
  '429': 'TooManyRequests',
}

/* The shared error responses for these statuses: `...errors('404', '422')`. */
export function errors(...statuses: ErrorStatus[]): Record<string, Reference> {
  return Object.fromEntries(
    statuses.map((status) => [status, responseRef(ERROR_RESPONSES[status])])
  )
}

export interface ApiOperationSpec extends Omit<Operation, 'security'> {
  /* The token ability the route's middleware demands; adds the 403 answer. */
  ability?: TokenAbility
}

/*
 * An operation under /api/v1: Bearer security, the 401 and the 429 (and 403
 * when it needs an ability). The operation's own responses win over the shared ones.
 */
export function apiOperation({ ability, responses, description, ...rest }: ApiOperationSpec) {
  const needs = ability
    ? `Needs the \`${ability}\` ability (or \`*\`), which the token owner's role must allow.`
    : 'Any valid token.'
  return {
    ...rest,
    description: description ? `${description}\n\n${needs}` : needs,
    security: [{ [BEARER]: [] }],
    ...(ability ? { 'x-required-ability': ability } : {}),
    responses: { ...errors('401', '429', ...(ability ? (['403'] as const) : [])), ...responses },
  } satisfies Operation
}

/*
 * A POST, PATCH or DELETE under /api/v1: also the Idempotency-Key header, its
 * 409 and 422 refusals, and the Idempotent-Replayed header on success.
 */
export function apiMutation(spec: ApiOperationSpec): Operation {
  const operation = apiOperation(spec)
  const responses: Operation['responses'] = { ...errors('400', '409', '422') }
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] =
      status.startsWith('2') && !('$ref' in response)
        ? {
            ...response,
            headers: {
              ...response.headers,
              'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
            },
          }
        : response
  }
  if (spec.responses['409'] && !('$ref' in spec.responses['409'])) {
    const own = spec.responses['409']
    responses['409'] = {
      ...own,
      description: `${own.description}; or E_IDEMPOTENCY_KEY_IN_USE (with Retry-After) while an earlier request with this Idempotency-Key is still running`,
      headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } },
    }
  }
  return {
    ...operation,
    parameters: [...(operation.parameters ?? []), parameterRef('IdempotencyKey')],
    responses,
  }
}

/* Public service endpoints: no token. */
export function publicOperation(operation: Omit<Operation, 'security'>): Operation {
  return { ...operation, security: [] }
}
