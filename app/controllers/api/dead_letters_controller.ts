import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import DeadLetter from '#models/dead_letter'
import { ResolveDeadLetter } from '#actions/dead_letters/resolve_dead_letter'
import { deadLetterQuery } from '#queries/dead_letters/dead_letter_query'
import { listDeadLettersValidator } from '#validators/dead_letter'
import { listJson, pageRequest, paginate } from '#queries/support/cursor'
import { deadLetterJson } from '#transformers/dead_letter_transformer'
import { idempotentResponse } from '#infrastructure/idempotency/idempotent_response'
import { deadLetterResolved } from '#infrastructure/audit/audit_facts'
import { uuidParam } from '#controllers/api/support/params'
import { jsonBody } from '#controllers/api/support/json_body'
import { actorOf } from '#controllers/api/support/params'
import { DeadLetterNotFoundException } from '#exceptions/dead_letter_exceptions'

@inject()
export default class DeadLettersController {
  constructor(private resolver: ResolveDeadLetter) {}

  /* GET /api/v1/dead-letters */
  async index({ request, response }: HttpContext) {
    const input = await listDeadLettersValidator.validate(request.qs())
    const filter = {
      status: input.status,
      payoutId: input.payout_id,
      accountId: input.account_id,
      errorCode: input.error_code,
      createdFrom: input.created_from,
      createdTo: input.created_to,
    }
    const page = await paginate(deadLetterQuery(filter), pageRequest(input), 'dead_letters', filter)
    return jsonBody(response, listJson(page, deadLetterJson))
  }

  /* GET /api/v1/dead-letters/:id */
  async show({ params }: HttpContext) {
    const letter = await DeadLetter.find(uuidParam(params.id))
    if (!letter) throw new DeadLetterNotFoundException()
    return deadLetterJson(letter)
  }

  /* POST /api/v1/dead-letters/:id/replay */
  async replay(ctx: HttpContext) {
    const replay = {
      id: uuidParam(ctx.params.id),
      actor: actorOf(ctx),
      resolution: 'replay' as const,
    }
    await idempotentResponse(
      ctx,
      200,
      this.resolver,
      replay,
      deadLetterJson,
      deadLetterResolved('replay')
    )
  }

  /* POST /api/v1/dead-letters/:id/discard */
  async discard(ctx: HttpContext) {
    const discard = {
      id: uuidParam(ctx.params.id),
      actor: actorOf(ctx),
      resolution: 'discard' as const,
    }
    await idempotentResponse(
      ctx,
      200,
      this.resolver,
      discard,
      deadLetterJson,
      deadLetterResolved('discard')
    )
  }
}
