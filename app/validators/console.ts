import vine, { SimpleMessagesProvider } from '@vinejs/vine'
import { freeText, instant, searchText, uuid } from '#validators/rules'

/* Query strings and forms of the operator console pages (audit, search, statement, reconciliation). */

const AUDIT_TARGETS = [
  'payout',
  'account',
  'user',
  'token',
  'dead_letter',
  'queue',
  'contradiction',
] as const

/* GET /audit and /audit/export */
export const filterAuditValidator = vine.create({
  actor: searchText(255).optional(),
  action: vine
    .string()
    .trim()
    .maxLength(60)
    .regex(/^[a-z_]+(\.[a-z_]+)?$/)
    .optional(),
  target_type: vine.enum(AUDIT_TARGETS).optional(),
  target_id: searchText(255).optional(),
  via: vine.enum(['dashboard', 'api', 'cli'] as const).optional(),
  from: instant().optional(),
  to: instant().optional(),
  before: vine
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
})

filterAuditValidator.messagesProvider = new SimpleMessagesProvider({
  'action.regex': 'An action such as payout.cancel, or an area such as payout',
  'from.iso8601': 'Enter a date and time',
  'to.iso8601': 'Enter a date and time',
  'before.regex': 'Not a page of this log',
})

/* GET /search?q= */
export const searchValidator = vine.create({ q: searchText(255).optional() })

/* GET /accounts/:id/statement and /accounts/:id/statement.csv */
export const statementValidator = vine.create({
  from: instant(),
  to: instant(),
  // `<created_at ms>.<seq>`: 14 digits of ms stay before the year 9999 (15 reach past it, a 500).
  after: vine
    .string()
    .regex(/^\d{1,14}\.\d{1,18}$/)
    .optional(),
})

statementValidator.messagesProvider = new SimpleMessagesProvider({
  'from.required': 'Choose the first instant of the period',
  'to.required': 'Choose the end of the period',
  'from.iso8601': 'Enter a date and time',
  'to.iso8601': 'Enter a date and time',
  'after.regex': 'Not a page of this statement',
})

/* GET /reconciliation */
export const filterContradictionsValidator = vine.create({
  state: vine.enum(['open', 'reconciled', 'all'] as const).optional(),
  payout_id: uuid({ trim: true }).optional(),
  before: vine
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
})

/* POST /reconciliation/:id — the note is required: it says what was checked and done. */
export const reconcileValidator = vine.create({
  note: freeText(2000, 3).trim(),
})

reconcileValidator.messagesProvider = new SimpleMessagesProvider({
  'note.required': 'Say what you checked and what was done',
  'note.minLength': 'Say what you checked and what was done',
})
