import vine from '@vinejs/vine'
import { isoInstant } from '#validators/account'
import { pageParams } from '#infrastructure/pagination/cursor'
import { UUID_PATTERN } from '#domain/ids'

export const deadLetterFilters = {
  status: vine.enum(['open', 'replayed', 'discarded'] as const).optional(),
  payout_id: vine.string().regex(UUID_PATTERN).optional(),
  account_id: vine.string().regex(UUID_PATTERN).optional(),
  error_code: vine.string().maxLength(100).optional(),
  created_from: isoInstant().optional(),
  created_to: isoInstant().optional(),
}

export const listDeadLettersValidator = vine.create({ ...deadLetterFilters, ...pageParams })

/* Dashboard tabs: one per status, plus every status at once. */
export const DEAD_LETTER_TABS = ['open', 'replayed', 'discarded', 'all'] as const

/* A real calendar day written YYYY-MM-DD (what `<input type="date">` sends). */
const calendarDay = vine.createRule((value: unknown, _: undefined, field) => {
  const text = typeof value === 'string' ? value : ''
  const time = Date.parse(`${text}T00:00:00Z`)
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) {
    field.report('The {{ field }} field must be a date such as 2026-01-31', 'date', field)
  }
})

/* A day (UTC) as its first or last millisecond, so "created to" includes that day. */
const utcDay = (edge: 'start' | 'end') =>
  vine
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .use(calendarDay())
    .transform(
      (value) => new Date(`${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`)
    )

/* The dead-letters page's filter form (query string), also posted back by the bulk actions. */
export const dashboardDeadLettersValidator = vine.create({
  status: vine.enum(DEAD_LETTER_TABS).optional(),
  q: vine.string().trim().maxLength(200).optional(),
  error_code: vine.string().trim().maxLength(100).optional(),
  created_from: utcDay('start').optional(),
  created_to: utcDay('end').optional(),
  cursor: vine.string().maxLength(512).optional(),
})
