import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import { amount, currency } from '#validators/money'
import { pageParams } from '#infrastructure/pagination/cursor'

export const createAccountValidator = vine.create({
  external_ref: vine.string().minLength(1).maxLength(255),
  currency: currency(),
})

export const depositValidator = vine.create({
  amount: amount(),
  reference: vine.string().maxLength(255).nullable().optional(),
})

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

/* An ISO 8601 instant; becomes a Date. */
export const isoInstant = () =>
  vine.string().use(
    vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
      const time = typeof value === 'string' ? parseInstant(value) : Number.NaN
      if (Number.isNaN(time)) {
        return field.report(
          'The {{ field }} field must be an ISO 8601 instant such as 2026-01-31T12:00:00Z',
          'iso8601',
          field
        )
      }
      field.mutate(new Date(time), field)
    })()
  )

export const balanceAtValidator = vine.create({
  at: isoInstant().optional(),
})

export const listValidator = vine.create({ ...pageParams })
