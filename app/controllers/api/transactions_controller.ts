import type { HttpContext } from '@adonisjs/core/http'
import LedgerEntry from '#models/ledger_entry'
import { listTransactionsValidator } from '#validators/account'
import { listJson, pageRequest } from '#queries/support/cursor'
import { transactionPage } from '#queries/accounts/transaction_page'
import { accountCurrency } from '#infrastructure/ledger/account_currency'
import { transactionJson } from '#transformers/account_transformer'
import { uuidParam } from '#controllers/api/support/params'
import { jsonBody } from '#controllers/api/support/json_body'
import { AccountNotFoundException } from '#exceptions/account_exceptions'
import { NotFoundException } from '#exceptions/business_refusal'
import Account from '#models/account'

export default class TransactionsController {
  /* GET /api/v1/accounts/:id/transactions */
  async index({ params, request, response }: HttpContext) {
    const accountId = uuidParam(params.id)
    const currency = await accountCurrency(accountId)
    if (!currency) throw new AccountNotFoundException()
    const input = await listTransactionsValidator.validate(request.qs())
    const page = await transactionPage(accountId, pageRequest(input))
    return jsonBody(
      response,
      listJson(page, (entry) => transactionJson(entry, currency))
    )
  }

  /* GET /api/v1/transactions/:id */
  async show({ params }: HttpContext) {
    const entry = await LedgerEntry.find(uuidParam(params.id))
    if (!entry) throw new NotFoundException('Transaction not found')
    const account = await Account.findOrFail(entry.accountId)
    return transactionJson(entry, account.currency)
  }
}
