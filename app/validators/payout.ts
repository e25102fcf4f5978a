import vine from '@vinejs/vine'
import { amount, currency, freeText, instant, pageParams, uuid } from '#validators/rules'
import { PAYOUT_STATUSES } from '#domain/payout_state'

const recipientDetails = () => freeText(500, 1)
const comment = () => freeText(1000).nullable()

/* POST /api/v1/payouts */
export const createPayoutValidator = vine.create({
  account_id: uuid(),
  amount: amount({ currencyField: 'currency' }),
  currency: currency(),
  recipient_details: recipientDetails(),
  comment: comment().optional(),
})

/* PATCH /api/v1/payouts/:id */
export const updatePayoutValidator = vine.create({
  comment: comment().optional(),
  recipient_details: recipientDetails().optional(),
})

/* GET /api/v1/payouts */
export const listPayoutsValidator = vine.create({
  status: vine.enum(PAYOUT_STATUSES).optional(),
  account_id: uuid().optional(),
  created_from: instant().optional(),
  created_to: instant().optional(),
  ...pageParams(),
})
