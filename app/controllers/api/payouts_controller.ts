import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { accountCurrency } from '#infrastructure/ledger/account_currency'
import Payout from '#models/payout'
import PayoutEvent from '#models/payout_event'
import { CreatePayout } from '#actions/payouts/create_payout'
import { UpdatePayout } from '#actions/payouts/update_payout'
import {
  createPayoutValidator,
  listPayoutsValidator,
  updatePayoutValidator,
} from '#validators/payout'
import { listJson, pageRequest } from '#queries/support/cursor'
import { payoutJson, payoutWithEventsJson } from '#transformers/payout_transformer'
import { idempotentResponse } from '#infrastructure/idempotency/idempotent_response'
import { payoutCreated, payoutEdited } from '#infrastructure/audit/audit_facts'
import { uuidParam } from '#controllers/api/support/params'
import { jsonBody } from '#controllers/api/support/json_body'
import { PayoutNotFoundException } from '#exceptions/payout_exceptions'
import { actorOf } from '#controllers/api/support/params'
import { fieldError } from '#exceptions/validation_error'
import { payoutPage } from '#queries/payouts/payout_page'

export async function findPayout(id: unknown) {
  const payout = await Payout.find(uuidParam(id))
  if (!payout) throw new PayoutNotFoundException()
  return payout
}

@inject()
export default class PayoutsController {
  constructor(
    private createPayout: CreatePayout,
    private updatePayout: UpdatePayout
  ) {}

  /* POST /api/v1/payouts */
  async store(ctx: HttpContext) {
    const input = await ctx.request.validateUsing(createPayoutValidator)
    const accountId = input.account_id.toLowerCase()
    const currency = await accountCurrency(accountId)
    if (!currency) throw fieldError('account_id', 'exists', 'The account does not exist')
    if (currency !== input.currency) {
      throw fieldError('currency', 'currency_mismatch', `The account is in ${currency}`)
    }
    const account = { id: accountId, currency }
    const payout = {
      account,
      amount: input.amount,
      recipientDetails: input.recipient_details,
      comment: input.comment ?? null,
      actor: actorOf(ctx),
    }
    await idempotentResponse(ctx, 201, this.createPayout, payout, payoutJson, payoutCreated)
  }

  /* GET /api/v1/payouts */
  async index({ request, response }: HttpContext) {
    const filters = await listPayoutsValidator.validate(request.qs())
    const page = await payoutPage(
      {
        status: filters.status,
        accountId: filters.account_id,
        createdFrom: filters.created_from,
        createdTo: filters.created_to,
      },
      pageRequest(filters)
    )
    return jsonBody(response, listJson(page, payoutJson))
  }

  /* GET /api/v1/payouts/:id — with its timeline, oldest event first */
  async show({ params }: HttpContext) {
    const payout = await findPayout(params.id)
    const events = await PayoutEvent.query().where('payout_id', payout.id).orderBy('id', 'asc')
    return payoutWithEventsJson(payout, events)
  }

  /* PATCH /api/v1/payouts/:id — comment and recipient while NEW */
  async update(ctx: HttpContext) {
    const id = uuidParam(ctx.params.id)
    const input = await ctx.request.validateUsing(updatePayoutValidator)
    if (input.comment === undefined && input.recipient_details === undefined) {
      throw fieldError(
        'comment',
        'required_when',
        'Send comment and/or recipient_details to change'
      )
    }
    const update = {
      payoutId: id,
      comment: input.comment,
      recipientDetails: input.recipient_details,
      actor: actorOf(ctx),
    }
    await idempotentResponse(ctx, 200, this.updatePayout, update, payoutJson, payoutEdited(id))
  }
}
