import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { isoInstant } from '#validators/account'
import { PAYOUT_STATUSES } from '#domain/payout_state'
import { UUID_PATTERN } from '#domain/ids'

/*
 * Query strings of the operator dashboard's list pages. Their forms send every
 * field, empty or not: `filledFields` drops the empty ones first so an empty
 * box means "no filter".
 */

export function filledFields(qs: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(qs).filter(([, value]) => typeof value !== 'string' || value.trim() !== '')
  )
}

const cursor = () => vine.string().maxLength(512).optional()

export const payoutFiltersValidator = vine.create({
  status: vine.enum(PAYOUT_STATUSES).optional(),
  account_id: vine.string().trim().regex(UUID_PATTERN).optional(),
  created_from: isoInstant().optional(),
  created_to: isoInstant().optional(),
  q: vine.string().trim().maxLength(200).optional(),
  cursor: cursor(),
})

payoutFiltersValidator.messagesProvider = new SimpleMessagesProvider({
  'account_id.regex': 'Enter a whole account id (a UUID)',
  'created_from.iso8601': 'Enter a date and time',
  'created_to.iso8601': 'Enter a date and time',
  'status.enum': 'Choose one of the status tabs',
  'q.maxLength': 'Search for at most {{ max }} characters',
})

export const accountSearchValidator = vine.create({
  q: vine.string().trim().maxLength(255).optional(),
  cursor: cursor(),
})

export const accountStatementValidator = vine.create({
  at: isoInstant().optional(),
  cursor: cursor(),
})

accountStatementValidator.messagesProvider = new SimpleMessagesProvider({
  'at.iso8601': 'Enter a real date and time, such as 2026-01-31 12:00:00',
})
