/*
 * Parsing of JSON request bodies (json_body_middleware): nesting is checked
 * on the text, before anything recurses into the value, and every number
 * keeps its exact source text when a double cannot hold it.
 */

/* Deeper bodies are refused (400) before they are parsed, cloned or validated. */
export const MAX_JSON_DEPTH = 32

/* The deepest nesting of arrays and objects in a JSON text (strings skipped). */
export function jsonDepth(text: string, stopAbove = MAX_JSON_DEPTH): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (inString) {
      if (char === 0x5c /* \ */) i++
      else if (char === 0x22 /* " */) inString = false
    } else if (char === 0x22) {
      inString = true
    } else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth++
      if (depth > deepest) {
        deepest = depth
        if (deepest > stopAbove) return deepest
      }
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      depth--
    }
  }
  return deepest
}

/* A decimal number as sign, significant digits and exponent, so equal values compare equal. */
function decimalKey(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (!match) return text
  const [, sign, whole, fraction = '', exponent = '0'] = match
  const digits = (whole + fraction).replace(/^0+/, '')
  const significant = digits.replace(/0+$/, '')
  if (!significant) return '0'
  const power = Number(exponent) - fraction.length + (digits.length - significant.length)
  return `${sign}${significant}e${power}`
}

/*
 * JSON.parse's reviver: a number whose source text a double does not hold
 * exactly (1.0000000000000001, 12345678901234567890) becomes that text, so
 * the field's rule sees what the client wrote and refuses it, instead of a
 * rounded neighbour. Exact numbers (100, 100.50) stay numbers.
 */
function exactNumbers(_key: string, value: unknown, context?: { source?: string }) {
  if (typeof value !== 'number' || context?.source === undefined) return value
  return decimalKey(context.source) === decimalKey(String(value)) ? value : context.source
}

export type JsonBodyResult =
  { ok: true; value: unknown } | { ok: false; reason: 'not_object' | 'too_deep' | 'syntax' }

/* A request body: an object or array, at most MAX_JSON_DEPTH deep; the empty body is `{}`. */
export function parseJsonBody(text: string): JsonBodyResult {
  if (text.trim() === '') return { ok: true, value: {} }
  const first = text.trimStart()[0]
  if (first !== '{' && first !== '[') return { ok: false, reason: 'not_object' }
  if (jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, reason: 'too_deep' }
  try {
    return { ok: true, value: JSON.parse(text, exactNumbers as never) }
  } catch {
    return { ok: false, reason: 'syntax' }
  }
}
