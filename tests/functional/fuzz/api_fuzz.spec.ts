import { test } from '@japa/runner'
import fc from 'fast-check'
import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { rateLimits } from '#config/limiter'
import { tokenFor } from '#tests/helpers'
import { fuzzOperations, type FuzzOperation } from '#tests/functional/fuzz/openapi_operations'

/*
 * Hostile input against every route of the OpenAPI document: generated path
 * ids, query strings, headers and bodies (broken JSON, deep nesting, control
 * characters, wrong types, inexact numbers, oversized values). Every answer
 * must be below 500 and, on JSON routes, an error in the contract's shape;
 * nothing may be written. FUZZ_RUNS batches of 10 cases (default 500, so
 * 5,000 cases); FUZZ_SEED replays a run.
 */
const BATCH = 10
const RUNS = Number(process.env.FUZZ_RUNS || 500)
const BASE_URL = `http://127.0.0.1:${process.env.PORT}`

/* Tables a refused request must leave alone (idempotency_keys may keep a refusal, rate_limits counts). */
const WATCHED_TABLES = [
  'users',
  'auth_access_tokens',
  'accounts',
  'transactions',
  'payouts',
  'payout_events',
  'outbox_messages',
  'inbox_messages',
  'dead_letters',
  'audit_log',
]

async function rowCounts() {
  const select = WATCHED_TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`)
  const result = await db.rawQuery(`SELECT ${select.join(', ')}`)
  return result.rows[0] as Record<string, number>
}

interface Fixture {
  adminToken: string
  viewerToken: string
  accountId: string
  payoutId: string
}

/* ------------------------------------------------------------- generators */

const controlCharacter = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code))
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: controlCharacter, minLength: 1, maxLength: 5 }).map((cc) => `a${cc}b`),
  fc.constantFrom(
    '',
    ' ',
    '.',
    '..',
    '\u0000',
    'null',
    '-1',
    '0',
    '1e999',
    '1.0000000000000001',
    '9'.repeat(40),
    '9999-12-31T23:59:59-23:59',
    '0000-01-01',
    '2026-02-30',
    'é'.repeat(30),
    '\u202e',
    "'; DROP TABLE payouts; --",
    '%',
    'x'.repeat(2000)
  )
)

/* Printable Latin-1: what an HTTP header value can carry. */
const headerValue = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
    .map((code) => String.fromCharCode(code)),
  maxLength: 300,
})

const pathValue = (existing: string[]) =>
  fc.oneof(
    fc.constantFrom(...existing),
    fc.uuid(),
    hostileText.map((text) => encodeURIComponent(text || '_')),
    fc.constantFrom('%00', '%zz', '%2e%2e', '%E2%80%AE', 'a%2Fb', '..%2F..')
  )

const queryKey = (operation: FuzzOperation) =>
  fc.oneof(
    fc.constantFrom(...operation.queryParams, 'limit', 'cursor', 'at', 'status', '_method'),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 })
  )

const queryPair = (operation: FuzzOperation) =>
  fc
    .tuple(queryKey(operation), hostileText, fc.constantFrom('', '[]', '[a]', '[0][b]'))
    .map(
      ([key, value, suffix]) => `${encodeURIComponent(key)}${suffix}=${encodeURIComponent(value)}`
    )

const queryString = (operation: FuzzOperation) =>
  fc.oneof(
    fc.array(queryPair(operation), { maxLength: 4 }).map((pairs) => pairs.join('&')),
    fc.constantFrom(
      'cursor=.',
      'cursor=%C3%A9.%C3%A9',
      'limit=0',
      'limit=1e9',
      'at=%00',
      '%',
      'a=%zz'
    )
  )

/*
 * A value no required field accepts: wrong types, empty, control
 * characters, longer than any field's maximum. (A number can be a valid
 * amount, but payouts go to an account that does not exist.)
 */
const badValue = fc.oneof(
  fc.constantFrom(null, true, false, '', [], {}, [[[]]], { a: { b: {} } }, 'x'.repeat(2000)),
  fc.string({ unit: controlCharacter, minLength: 1, maxLength: 5 }).map((cc) => `a${cc}b`),
  fc.double(),
  fc.integer()
)

/* Plausible values for the fields the document names, so one bad field is what is tested. */
function plausible(field: string): unknown {
  const values: Record<string, unknown> = {
    account_id: randomUUID(),
    amount: '1.00',
    currency: 'EUR',
    external_ref: `fz-${randomUUID()}`,
    recipient_details: 'IBAN DE89',
    comment: 'fuzz',
    reference: 'fuzz',
    event_id: randomUUID(),
    payout_id: randomUUID(),
    provider_reference: 'ref',
    status: 'succeeded',
  }
  return field in values ? values[field] : 'x'
}

/* A body that cannot be a valid request of `operation`: the text sent, and its content type. */
const badBody = (operation: FuzzOperation) => {
  const template = () =>
    Object.fromEntries(operation.bodyFields.map((field) => [field, plausible(field)]))
  const oneFieldBroken =
    operation.requiredFields.length > 0
      ? fc
          .tuple(fc.constantFrom(...operation.requiredFields), badValue)
          .map(([field, value]) => JSON.stringify({ ...template(), [field]: value }))
      : fc.constant('{"comment": 1}')
  return fc.oneof(
    oneFieldBroken,
    fc.integer({ min: 33, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    fc
      .integer({ min: 33, max: 5_000 })
      .map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
    fc.constantFrom('{', '[', '{"a":}', 'null', '1', '"x"', 'true', '{"a":1,}', '\u0000', '', '{}'),
    fc.json({ maxDepth: 4 }),
    ...(operation.bodyFields.includes('amount')
      ? [
          fc
            .constantFrom('1.0000000000000001', '123456789012345678901234567890', '-0', '1e400')
            .map((amount) => JSON.stringify(template()).replace('"1.00"', amount)),
        ]
      : [])
  )
}

const authorization = fc.constantFrom('admin', 'viewer', 'none', 'garbage', 'basic', 'pat')
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined
)

interface FuzzCase {
  operation: FuzzOperation
  path: string
  query: string
  authorization: string
  idempotencyKey?: string
  contentType?: string
  requestId?: string
  body?: string
}

function caseArbitrary(operations: FuzzOperation[], fixture: Fixture): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...operations).chain((operation) => {
    // Path ids of existing rows only on reads: a write to one could succeed.
    const existing =
      operation.method === 'GET' ? [fixture.accountId, fixture.payoutId] : [randomUUID()]
    const path = fc
      .tuple(...operation.pathParams.map(() => pathValue(existing)))
      .map((values) =>
        operation.pathParams.reduce(
          (filled, name, index) => filled.replace(`{${name}}`, values[index]),
          operation.template
        )
      )
    return fc.record({
      operation: fc.constant(operation),
      path: operation.pathParams.length ? path : fc.constant(operation.template),
      query: queryString(operation),
      authorization,
      idempotencyKey: fc.option(fc.oneof(fc.uuid(), headerValue), { nil: undefined }),
      contentType,
      requestId: fc.option(headerValue, { nil: undefined }),
      body: operation.method === 'GET' ? fc.constant(undefined) : badBody(operation),
    })
  })
}

/* ------------------------------------------------------------------ checks */

const STACK_LINE = /\n\s+at .+\(|\bat .+\.(ts|js):\d+/
const ENTRY_KEYS = new Set(['code', 'message', 'field', 'rule'])

function bearer(fuzzCase: FuzzCase, fixture: Fixture): string | undefined {
  switch (fuzzCase.authorization) {
    case 'admin':
      return `Bearer ${fixture.adminToken}`
    case 'viewer':
      return `Bearer ${fixture.viewerToken}`
    case 'garbage':
      return 'Bearer pat_garbage.garbage'
    case 'basic':
      return 'Basic YWRtaW46YWRtaW4='
    case 'pat':
      return `Bearer ${fixture.adminToken.slice(0, -3)}xyz`
    default:
      return undefined
  }
}

/* Why the answer breaks the contract, or null when it does not. */
function violation(fuzzCase: FuzzCase, status: number, type: string, text: string) {
  const path = fuzzCase.operation.template
  let body: any
  try {
    body = type.includes('json') ? JSON.parse(text) : undefined
  } catch {
    return `${status} with a body that is not JSON`
  }
  if (status >= 500) {
    const notReady = path === '/health/ready' && status === 503 && body?.status === 'error'
    if (!notReady) return `answered ${status}`
  }
  if (STACK_LINE.test(text) || text.includes('"stack"')) return 'a stack trace in the answer'
  if (fuzzCase.operation.method !== 'GET' && status < 300)
    return `a hostile write answered ${status}`
  const jsonRoute = path.startsWith('/api/') || path.startsWith('/webhooks/')
  if (status < 400 || !jsonRoute) return null
  if (!body || Object.keys(body).join() !== 'errors' || !Array.isArray(body.errors)) {
    return `${status} without the contract's error body: ${text.slice(0, 200)}`
  }
  for (const entry of body.errors) {
    const keys = Object.keys(entry ?? {})
    if (!keys.every((key) => ENTRY_KEYS.has(key))) return `unexpected keys ${keys.join()}`
    if (!/^E_[A-Z0-9_]+$/.test(entry.code) || typeof entry.message !== 'string' || !entry.message) {
      return `bad error entry ${JSON.stringify(entry)}`
    }
  }
  return null
}

async function send(fuzzCase: FuzzCase, fixture: Fixture) {
  const headers: Record<string, string> = {}
  const auth = bearer(fuzzCase, fixture)
  if (auth) headers.authorization = auth
  if (fuzzCase.idempotencyKey !== undefined) headers['idempotency-key'] = fuzzCase.idempotencyKey
  if (fuzzCase.requestId !== undefined) headers['x-request-id'] = fuzzCase.requestId
  if (fuzzCase.contentType && fuzzCase.body !== undefined) {
    headers['content-type'] = fuzzCase.contentType
  }
  const url = `${BASE_URL}${fuzzCase.path}${fuzzCase.query ? `?${fuzzCase.query}` : ''}`
  const response = await fetch(url, {
    method: fuzzCase.operation.method,
    headers,
    body: fuzzCase.body,
    redirect: 'manual',
  })
  const text = await response.text()
  const problem = violation(
    fuzzCase,
    response.status,
    response.headers.get('content-type') ?? '',
    text
  )
  if (problem) {
    throw new Error(`${fuzzCase.operation.method} ${url}: ${problem}`)
  }
}

/* ------------------------------------------------------------------- test */

test.group('Fuzz | hostile input on every OpenAPI route', () => {
  test('no 5xx, the contract error shape, nothing written', async ({ assert, cleanup }) => {
    const saved = { ...rateLimits.api }
    // Refusals are fine answers, but 429s would hide the routes behind them.
    Object.assign(rateLimits.api, { perMinute: 1_000_000, burstPerSecond: 1_000_000 })
    cleanup(() => {
      Object.assign(rateLimits.api, saved)
    })

    const admin = await tokenFor(['*'])
    const viewer = await tokenFor(['accounts:read', 'payouts:read'])
    const account = await fetch(`${BASE_URL}/api/v1/accounts`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_ref: `fz-${randomUUID()}`, currency: 'EUR' }),
    }).then((response) => response.json() as Promise<{ id: string }>)
    await fetch(`${BASE_URL}/api/v1/accounts/${account.id}/deposits`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: '100.00' }),
    })
    const payout = await fetch(`${BASE_URL}/api/v1/payouts`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        account_id: account.id,
        amount: '1.00',
        currency: 'EUR',
        recipient_details: 'x',
      }),
    }).then((response) => response.json() as Promise<{ id: string }>)
    const fixture: Fixture = {
      adminToken: admin.token,
      viewerToken: viewer.token,
      accountId: account.id,
      payoutId: payout.id,
    }

    const operations = fuzzOperations()
    assert.isAtLeast(operations.length, 15)
    const before = await rowCounts()
    const seed = Number(process.env.FUZZ_SEED || Date.now() % 2 ** 31)
    let cases = 0
    const started = Date.now()

    await fc.assert(
      fc.asyncProperty(
        fc.array(caseArbitrary(operations, fixture), { minLength: BATCH, maxLength: BATCH }),
        async (batch) => {
          cases += batch.length
          await Promise.all(batch.map((fuzzCase) => send(fuzzCase, fixture)))
        }
      ),
      { numRuns: RUNS, seed, endOnFailure: true }
    )

    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    console.log(
      `  fuzz: ${cases} cases over ${operations.length} operations in ${seconds} s, ` +
        `seed ${seed}: 0 answers >= 500, every error in the contract's shape`
    )
    assert.isAtLeast(cases, RUNS * BATCH)
    assert.deepEqual(await rowCounts(), before)
  }).timeout(180_000)
})
