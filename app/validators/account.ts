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

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/

/* An ISO 8601 instant with a date, a time and a zone; becomes a Date. */
export const isoInstant = () =>
  vine.string().use(
    vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
      const time = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : NaN
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
