import type { Assert } from '@japa/assert'

const ENTRY_KEYS = new Set(['code', 'message', 'field', 'rule'])
const STACK_LINE = /\n\s+at .+\(|\bat .+\.(ts|js):\d+/

/*
 * The contract's error body, exactly: `{"errors": [{code, message, field?, rule?}]}`
 * with nothing else in it and no stack trace anywhere. Returns the entries.
 */
export function assertErrorBody(assert: Assert, body: unknown, code?: string) {
  assert.isObject(body)
  assert.deepEqual(Object.keys(body as object), ['errors'])
  const entries = (body as { errors: unknown }).errors
  assert.isArray(entries)
  assert.isNotEmpty(entries)
  for (const entry of entries as Record<string, unknown>[]) {
    assert.isObject(entry)
    for (const key of Object.keys(entry)) assert.isTrue(ENTRY_KEYS.has(key), `unexpected ${key}`)
    assert.match(String(entry.code), /^E_[A-Z0-9_]+$/)
    assert.isString(entry.message)
    assert.isNotEmpty(entry.message)
    if (code) assert.equal(entry.code, code)
  }
  assert.notMatch(JSON.stringify(body), STACK_LINE)
  assert.notInclude(JSON.stringify(body), '"stack"')
  return entries as { code: string; message: string; field?: string; rule?: string }[]
}
