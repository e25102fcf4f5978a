import { test } from '@japa/runner'
import { MAX_JSON_DEPTH, jsonDepth, parseJsonBody } from '#infrastructure/http/strict_json'

const valueOf = (text: string) => {
  const parsed = parseJsonBody(text)
  if (!parsed.ok) throw new Error(parsed.reason)
  return parsed.value as Record<string, unknown>
}

test.group('Strict JSON bodies', () => {
  test('numbers a double holds exactly stay numbers: {$self}')
    .with(['100', '100.50', '0.1', '1e2', '-0', '9007199254740991'])
    .run(({ assert }, text) => {
      assert.strictEqual(valueOf(`{"n":${text}}`).n, Number(text))
    })

  test('numbers a double would round keep their text: {$self}')
    .with(['1.0000000000000001', '12345678901234567', '0.30000000000000000001'])
    .run(({ assert }, text) => {
      assert.strictEqual(valueOf(`{"n":${text}}`).n, text)
    })

  test('nesting is counted on the text, strings excluded', ({ assert }) => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`
    assert.equal(jsonDepth(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)
    assert.deepEqual(parseJsonBody(nested(MAX_JSON_DEPTH + 1)), { ok: false, reason: 'too_deep' })
    assert.equal(jsonDepth('{"a":"[[[[{{{{\\"]]"}'), 1)
  })

  test('not an object or array, broken, or empty', ({ assert }) => {
    assert.deepEqual(parseJsonBody('"x"'), { ok: false, reason: 'not_object' })
    assert.deepEqual(parseJsonBody('{"a":}'), { ok: false, reason: 'syntax' })
    assert.deepEqual(parseJsonBody('  '), { ok: true, value: {} })
  })
})
