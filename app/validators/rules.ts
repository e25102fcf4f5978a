import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import payoutsConfig from '#config/payouts'
import { formatAmount, isCurrency, parseAmount } from '#domain/money'
import { UUID_PATTERN } from '#domain/ids'

/*
 * Field rules shared by the validators. Each returns a fresh schema, so a
 * validator can chain `.optional()`, `.nullable()` or messages of its own.
 * Amounts and instants come out typed (`bigint`, `Date`) through `.transform()`.
 */

/* ---------------------------------------------------------------- ids, text */

/* C0 controls (but tab, line feed and carriage return where line breaks are allowed), DEL, C1. */
function hasControlCharacter(value: string, lineBreaks: boolean) {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 0x20) {
      if (!(lineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d))) return true
    } else if (code >= 0x7f && code <= 0x9f) {
      return true
    }
  }
  return false
}

const noControlCharactersRule = vine.createRule(
  (value: unknown, options: { lineBreaks: boolean }, field: FieldContext) => {
    if (typeof value !== 'string') return
    if (hasControlCharacter(value, options.lineBreaks)) {
      field.report(
        options.lineBreaks
          ? 'The {{ field }} field must not contain control characters other than tab and new line'
          : 'The {{ field }} field must not contain control characters',
        'no_control_characters',
        field
      )
    }
  }
)

/*
 * Every string field starts here: NUL and other control characters are a
 * 422 (PostgreSQL refuses NUL in text; the rest is never meant). Free text
 * (`lineBreaks`) may hold tab and new lines.
 */
export const safeString = ({ lineBreaks = false }: { lineBreaks?: boolean } = {}) =>
  vine.string().use(noControlCharactersRule({ lineBreaks }))

/* A UUID (any case); `trim` first for form fields. */
export const uuid = ({ trim = false }: { trim?: boolean } = {}) =>
  (trim ? safeString().trim() : safeString()).regex(UUID_PATTERN)

/* Free text of at most `max` characters, and at least `min` when given. */
export const freeText = (max: number, min?: number) => {
  const field = safeString({ lineBreaks: true })
  return (min === undefined ? field : field.minLength(min)).maxLength(max)
}

/* A search box: trimmed, at most `max` characters. */
export const searchText = (max: number) => safeString().trim().maxLength(max)

/* An email address as typed in a form: trimmed, at most 254 characters. */
export const email = () => safeString().trim().email().maxLength(254)

/* ------------------------------------------------------------------- lists */

/* The contract's list parameters: `limit` (1–100) and an opaque `cursor`. */
export const limit = () => vine.number().withoutDecimals().min(1).max(100)

/* Checked for size only; the list that decodes it refuses a tampered or foreign one (422). */
export const cursor = () => safeString().maxLength(512)

export const pageParams = () => ({
  limit: limit().optional(),
  cursor: cursor().optional(),
})

/* ------------------------------------------------------------------- money */

export const currency = () =>
  safeString()
    .fixedLength(3)
    .regex(/^[A-Z]{3}$/)
    .use(
      vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
        if (typeof value === 'string' && !isCurrency(value)) {
          field.report('The currency must be an active ISO 4217 code', 'currency', field)
        }
      })()
    )

const AMOUNT_MESSAGES = {
  type: 'The amount must be a decimal string such as "100.00"',
  format: 'The amount must be a positive decimal number such as "100.00"',
  precision: 'The amount has more decimals than the currency allows',
  not_positive: 'The amount must be greater than zero',
}

interface AmountOptions {
  /* Sibling field holding the currency; otherwise the currency comes from `meta.currency`. */
  currencyField?: string
}

/*
 * Turns the API's amount (a decimal string, or a JSON number taken as its
 * decimal text) into bigint minor units of the currency, or reports why not.
 */
const amountRule = vine.createRule(
  (value: unknown, options: AmountOptions, field: FieldContext) => {
    let text: string
    if (typeof value === 'string') text = value
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value)
    else return field.report(AMOUNT_MESSAGES.type, 'amount', field)

    let code: unknown
    if (options.currencyField) {
      code = (field.parent as Record<string, unknown>)[options.currencyField]
      // An unknown currency is reported on its own field; the amount is left out then.
      if (typeof code !== 'string' || !isCurrency(code)) {
        field.isValid = false
        return
      }
    } else {
      code = field.meta.currency
      if (typeof code !== 'string' || !isCurrency(code)) {
        throw new TypeError('amount(): pass the currency as meta.currency or a currencyField')
      }
    }

    const parsed = parseAmount(text, code)
    if (!parsed.ok) return field.report(AMOUNT_MESSAGES[parsed.reason], 'amount', field)
    if (parsed.minor > payoutsConfig.maxAmountMinor) {
      const max = formatAmount(payoutsConfig.maxAmountMinor, code)
      return field.report(`The amount must not exceed ${max} ${code}`, 'max_amount', field)
    }
    field.mutate(parsed.minor, field)
  }
)

/* What the amount rule left in the field: only a valid amount reaches a transform. */
function minorUnits(value: unknown): bigint {
  if (typeof value !== 'bigint') throw new TypeError('amount(): the amount rule did not run')
  return value
}

/* An amount of money in major units (`"100.00"` or `100`); output: bigint minor units. */
export const amount = (options: AmountOptions = {}) =>
  vine.any().use(amountRule(options)).transform(minorUnits)

/* ---------------------------------------------------------------- instants */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/i

/* True when the calendar date exists (Date.parse rolls 2026-02-30 over to March). */
function realDate(date: string) {
  const midnight = Date.parse(`${date}T00:00:00Z`)
  return !Number.isNaN(midnight) && new Date(midnight).toISOString().startsWith(date)
}

/* Reads an ISO 8601 date or date-time as an instant; no zone means UTC. NaN when not one. */
export function parseInstant(text: string): number {
  if (ISO_DATE.test(text)) return realDate(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN
  const match = ISO_DATE_TIME.exec(text)
  if (!match || !realDate(match[1])) return Number.NaN
  const [, date, time, zone] = match
  // JavaScript keeps milliseconds: finer digits are cut, never rounded up past the instant.
  const trimmed = time.replace(/(\.\d{3})\d+$/, '$1')
  const offset = zone ? zone.toUpperCase().replace(/^([+-]\d{2})(\d{2})$/, '$1:$2') : 'Z'
  return Date.parse(`${date}T${trimmed}${offset}`)
}

/* Instants PostgreSQL and ISO 8601 both hold: years 0001 to 9999, in UTC. */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z')
const LATEST = Date.parse('9999-12-31T23:59:59.999Z')

function inRange(time: number) {
  return time >= EARLIEST && time <= LATEST
}

const instantRule = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  const time = typeof value === 'string' ? parseInstant(value) : Number.NaN
  if (Number.isNaN(time)) {
    field.report(
      'The {{ field }} field must be an ISO 8601 instant such as 2026-01-31T12:00:00Z',
      'iso8601',
      field
    )
  } else if (!inRange(time)) {
    field.report(
      'The {{ field }} field must be between the years 0001 and 9999 (UTC)',
      'range',
      field
    )
  }
})

/* An ISO 8601 date or date-time (no zone means UTC); output: Date. */
export const instant = () =>
  safeString()
    .use(instantRule())
    .transform((text) => new Date(parseInstant(text)))

/* A real calendar day written YYYY-MM-DD (what `<input type="date">` sends). */
const calendarDayRule = vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
  const text = typeof value === 'string' ? value : ''
  const time = Date.parse(`${text}T00:00:00Z`)
  if (Number.isNaN(time) || !inRange(time) || new Date(time).toISOString().slice(0, 10) !== text) {
    field.report('The {{ field }} field must be a date such as 2026-01-31', 'date', field)
  }
})

/* A day (UTC) as its first or last millisecond, so "created to" includes that day; output: Date. */
export const utcDay = (edge: 'start' | 'end') =>
  safeString()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .use(calendarDayRule())
    .transform(
      (value) => new Date(`${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`)
    )
