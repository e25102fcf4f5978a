import type { HttpContext } from '@adonisjs/core/http'
import LedgerEntry from '#models/ledger_entry'
import { listValidator } from '#validators/account'
import { listJson, pageRequest, paginate } from '#infrastructure/pagination/cursor'
import { transactionJson } from '#transformers/account_transformer'
import { uuidParam } from '#controllers/api/support/params'
import { findAccount } from '#controllers/api/accounts_controller'
import { NotFoundException } from '#exceptions/business_refusal'
import Account from '#models/account'

export default class TransactionsController {
  /* GET /api/v1/accounts/:id/transactions */
  async index({ params, request }: HttpContext) {
    const account = await findAccount(params.id)
    const input = await listValidator.validate(request.qs())
    const page = await paginate(
      LedgerEntry.query().where('account_id', account.id),
      pageRequest(input),
      'transactions'
    )
    return listJson(page, (entry) => transactionJson(entry, account.currency))
  }

  /* GET /api/v1/transactions/:id */
  async show({ params }: HttpContext) {
    const entry = await LedgerEntry.find(uuidParam(params.id))
    if (!entry) throw new NotFoundException('Transaction not found')
    const account = await Account.findOrFail(entry.accountId)
    return transactionJson(entry, account.currency)
  }
}
