import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { cursor, instant, searchText, uuid } from '#validators/rules'
import { PAYOUT_STATUSES } from '#domain/payout_state'

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

/* GET /payouts and /payouts/export */
export const filterPayoutsValidator = vine.create({
  status: vine.enum(PAYOUT_STATUSES).optional(),
  account_id: uuid({ trim: true }).optional(),
  created_from: instant().optional(),
  created_to: instant().optional(),
  q: searchText(200).optional(),
  cursor: cursor().optional(),
})

filterPayoutsValidator.messagesProvider = new SimpleMessagesProvider({
  'account_id.regex': 'Enter a whole account id (a UUID)',
  'created_from.iso8601': 'Enter a date and time',
  'created_to.iso8601': 'Enter a date and time',
  'status.enum': 'Choose one of the status tabs',
  'q.maxLength': 'Search for at most {{ max }} characters',
})

/* GET /accounts */
export const searchAccountsValidator = vine.create({
  q: searchText(255).optional(),
  cursor: cursor().optional(),
})

/* GET /accounts/:id?at= */
export const showAccountStatementValidator = vine.create({
  at: instant().optional(),
  cursor: cursor().optional(),
})

showAccountStatementValidator.messagesProvider = new SimpleMessagesProvider({
  'at.iso8601': 'Enter a real date and time, such as 2026-01-31 12:00:00',
})
