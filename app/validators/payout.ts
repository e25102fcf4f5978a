import vine from '@vinejs/vine'
import { amount, currency } from '#validators/money'
import { isoInstant } from '#validators/account'
import { pageParams } from '#infrastructure/pagination/cursor'
import { PAYOUT_STATUSES } from '#domain/payout_state'
import { UUID_PATTERN } from '#domain/ids'

const recipientDetails = () => vine.string().minLength(1).maxLength(500)
const comment = () => vine.string().maxLength(1000).nullable()

export const createPayoutValidator = vine.create({
  account_id: vine.string().regex(UUID_PATTERN),
  amount: amount({ currencyField: 'currency' }),
  currency: currency(),
  recipient_details: recipientDetails(),
  comment: comment().optional(),
})

export const updatePayoutValidator = vine.create({
  comment: comment().optional(),
  recipient_details: recipientDetails().optional(),
})

export const listPayoutsValidator = vine.create({
  status: vine.enum(PAYOUT_STATUSES).optional(),
  account_id: vine.string().regex(UUID_PATTERN).optional(),
  created_from: isoInstant().optional(),
  created_to: isoInstant().optional(),
  ...pageParams,
})
