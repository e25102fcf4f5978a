import vine from '@vinejs/vine'
import { isoInstant } from '#validators/account'
import { pageParams } from '#infrastructure/pagination/cursor'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const deadLetterFilters = {
  status: vine.enum(['open', 'replayed', 'discarded'] as const).optional(),
  payout_id: vine.string().regex(UUID).optional(),
  account_id: vine.string().regex(UUID).optional(),
  error_code: vine.string().maxLength(100).optional(),
  created_from: isoInstant().optional(),
  created_to: isoInstant().optional(),
}

export const listDeadLettersValidator = vine.create({ ...deadLetterFilters, ...pageParams })
