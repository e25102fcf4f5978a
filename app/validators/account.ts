import vine from '@vinejs/vine'
import { amount, currency, freeText, instant, pageParams } from '#validators/rules'

/* POST /api/v1/accounts */
export const createAccountValidator = vine.create({
  external_ref: freeText(255, 1),
  currency: currency(),
})

/* POST /api/v1/accounts/:id/deposits and the dashboard's form; meta: the account's currency. */
export const postDepositValidator = vine.withMetaData<{ currency: string }>().create({
  amount: amount(),
  reference: freeText(255).nullable().optional(),
})

/* GET /api/v1/accounts/:id/balance?at= */
export const showBalanceValidator = vine.create({
  at: instant().optional(),
})

/* GET /api/v1/accounts/:id/transactions */
export const listTransactionsValidator = vine.create({ ...pageParams() })
