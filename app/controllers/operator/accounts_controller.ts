import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { SearchAccounts } from '#queries/accounts/search_accounts'
import { LoadAccountStatement } from '#queries/accounts/load_account_statement'
import {
  filledFields,
  searchAccountsValidator,
  showAccountStatementValidator,
} from '#validators/dashboard'
import { fieldErrors, listLink, localInstant } from '#controllers/operator/support/listing'
import { formatAmount } from '#domain/money'
import { DEFAULT_PAGE_SIZE } from '#queries/support/cursor'

export default class AccountsController {
  /* GET /accounts */
  @inject()
  async index({ bouncer, request, view }: HttpContext, action: SearchAccounts) {
    await bouncer.authorize('viewDashboard')
    const input = await searchAccountsValidator.validate(filledFields(request.qs()))
    const found = await action.handle(input.q, { limit: DEFAULT_PAGE_SIZE, cursor: input.cursor })
    return view.render('pages/accounts/index', {
      title: 'Accounts',
      q: input.q ?? '',
      paged: Boolean(input.cursor),
      link: listLink('/accounts', { q: input.q }),
      formatAmount,
      ...found,
    })
  }

  /* GET /accounts/:id — with ?at= (UTC) for the balance at that instant */
  @inject()
  async show({ bouncer, params, request, view }: HttpContext, action: LoadAccountStatement) {
    await bouncer.authorize('viewDashboard')
    const qs = filledFields(request.qs())
    const [error, input] = await showAccountStatementValidator.tryValidate(qs)
    const at = input?.at
    const statement = await action.handle(params.id, {
      at,
      page: { limit: DEFAULT_PAGE_SIZE, cursor: input?.cursor },
    })
    const atValue = error ? (typeof qs.at === 'string' ? qs.at : '') : localInstant(at)
    return view.render('pages/accounts/show', {
      title: `Account ${statement.account.externalRef}`,
      ...statement,
      atValue: atValue ?? '',
      errors: error ? fieldErrors(error) : {},
      paged: Boolean(input?.cursor),
      link: listLink(`/accounts/${statement.account.id}`, { at: atValue }),
      formatAmount,
    })
  }
}
