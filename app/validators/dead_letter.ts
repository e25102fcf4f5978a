import vine from '@vinejs/vine'
import { cursor, freeText, instant, pageParams, searchText, utcDay, uuid } from '#validators/rules'

/* GET /api/v1/dead-letters */
export const listDeadLettersValidator = vine.create({
  status: vine.enum(['open', 'replayed', 'discarded'] as const).optional(),
  payout_id: uuid().optional(),
  account_id: uuid().optional(),
  error_code: freeText(100).optional(),
  created_from: instant().optional(),
  created_to: instant().optional(),
  ...pageParams(),
})

/* Dashboard tabs: one per status, plus every status at once. */
export const DEAD_LETTER_TABS = ['open', 'replayed', 'discarded', 'all'] as const

/* The dead-letters page's filter form (query string), also posted back by the bulk actions. */
export const filterDeadLettersValidator = vine.create({
  status: vine.enum(DEAD_LETTER_TABS).optional(),
  q: searchText(200).optional(),
  error_code: searchText(100).optional(),
  created_from: utcDay('start').optional(),
  created_to: utcDay('end').optional(),
  cursor: cursor().optional(),
})
