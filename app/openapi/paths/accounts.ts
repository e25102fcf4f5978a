import {
  apiMutation,
  apiOperation,
  errors,
  jsonBody,
  jsonResponse,
  listOf,
  listParameters,
  parameterRef,
  refusal,
  schemaRef,
} from '#openapi/components'
import type { OpenApiSection } from '#openapi/types'

const tags = ['accounts']

export const accountsSection: OpenApiSection = {
  tag: { name: 'accounts', description: 'Accounts, deposits and their ledger' },
  schemas: {
    Account: {
      type: 'object',
      required: ['id', 'external_ref', 'currency', 'balance', 'created_at', 'updated_at'],
      additionalProperties: false,
      properties: {
        id: schemaRef('Id'),
        external_ref: { type: 'string' },
        currency: schemaRef('Currency'),
        balance: schemaRef('Amount'),
        created_at: schemaRef('Timestamp'),
        updated_at: schemaRef('Timestamp'),
      },
    },
    AccountBalance: {
      type: 'object',
      required: ['account_id', 'currency', 'balance', 'at'],
      additionalProperties: false,
      properties: {
        account_id: schemaRef('Id'),
        currency: schemaRef('Currency'),
        balance: schemaRef('Amount'),
        at: schemaRef('Timestamp'),
      },
    },
    Transaction: {
      type: 'object',
      description:
        '`amount` is the signed change to the balance (Σ amount = balance); `fee` is the fee part.',
      required: [
        'id',
        'account_id',
        'type',
        'amount',
        'fee',
        'balance_after',
        'reference',
        'payout_id',
        'order_id',
        'created_at',
      ],
      additionalProperties: false,
      properties: {
        id: schemaRef('Id'),
        account_id: schemaRef('Id'),
        type: {
          type: 'string',
          enum: ['deposit', 'payout_hold', 'payout_release', 'order_payment'],
        },
        amount: schemaRef('Amount'),
        fee: schemaRef('Amount'),
        balance_after: schemaRef('Amount'),
        reference: { type: ['string', 'null'] },
        payout_id: { type: ['string', 'null'] },
        order_id: { type: ['string', 'null'] },
        created_at: schemaRef('Timestamp'),
      },
    },
    CreateAccount: {
      type: 'object',
      required: ['external_ref', 'currency'],
      properties: {
        external_ref: { type: 'string', minLength: 1, maxLength: 255 },
        currency: schemaRef('Currency'),
      },
    },
    CreateDeposit: {
      type: 'object',
      required: ['amount'],
      properties: {
        amount: schemaRef('AmountInput'),
        reference: { type: ['string', 'null'], maxLength: 255 },
      },
    },
  },
  paths: {
    '/api/v1/accounts': {
      post: apiMutation({
        operationId: 'createAccount',
        summary: 'Open an account',
        tags,
        ability: 'accounts:write',
        requestBody: jsonBody(schemaRef('CreateAccount')),
        responses: {
          '201': jsonResponse('The new account', schemaRef('Account')),
          '409': refusal('E_ACCOUNT_EXISTS: an account with this external_ref and currency exists'),
        },
      }),
    },
    '/api/v1/accounts/{id}': {
      parameters: [parameterRef('Id')],
      get: apiOperation({
        operationId: 'getAccount',
        summary: 'One account',
        tags,
        ability: 'accounts:read',
        responses: { '200': jsonResponse('The account', schemaRef('Account')), ...errors('404') },
      }),
    },
    '/api/v1/accounts/{id}/balance': {
      parameters: [parameterRef('Id')],
      get: apiOperation({
        operationId: 'getAccountBalance',
        summary: 'The balance now, or as of an instant',
        tags,
        ability: 'accounts:read',
        parameters: [
          {
            name: 'at',
            in: 'query',
            description:
              'ISO 8601 date or date-time (no zone means UTC; a date means its midnight UTC). ' +
              'Default: now. The balance is 0 before the first ledger entry.',
            schema: { type: 'string', examples: ['2026-01-31T12:00:00Z'] },
          },
        ],
        responses: {
          '200': jsonResponse('The balance', schemaRef('AccountBalance')),
          ...errors('404', '422'),
        },
      }),
    },
    '/api/v1/accounts/{id}/deposits': {
      parameters: [parameterRef('Id')],
      post: apiMutation({
        operationId: 'createDeposit',
        summary: 'Credit the account with amount minus fee',
        tags,
        ability: 'accounts:write',
        requestBody: jsonBody(schemaRef('CreateDeposit')),
        responses: {
          '201': jsonResponse('The deposit transaction', schemaRef('Transaction')),
          ...errors('404'),
        },
      }),
    },
    '/api/v1/accounts/{id}/transactions': {
      parameters: [parameterRef('Id')],
      get: apiOperation({
        operationId: 'listAccountTransactions',
        summary: "The account's ledger, newest first",
        tags,
        ability: 'accounts:read',
        parameters: listParameters(),
        responses: {
          '200': jsonResponse('A page of transactions', listOf(schemaRef('Transaction'))),
          ...errors('404', '422'),
        },
      }),
    },
    '/api/v1/transactions/{id}': {
      parameters: [parameterRef('Id')],
      get: apiOperation({
        operationId: 'getTransaction',
        summary: 'One ledger transaction',
        tags,
        ability: 'accounts:read',
        responses: {
          '200': jsonResponse('The transaction', schemaRef('Transaction')),
          ...errors('404'),
        },
      }),
    },
  },
}
