import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import type DeadLetter from '#models/dead_letter'
import { ResolveDeadLetters, type BulkResult } from '#actions/dead_letters/resolve_dead_letters'
import { filterDeadLettersValidator } from '#validators/dead_letter'
import { BusinessRefusal } from '#exceptions/business_refusal'
import { uuidParam } from '#controllers/api/support/params'
import { deadLetterFilterOf, filledFields } from '#controllers/operator/support/dead_letter_filter'
import { dashboardOrigin } from '#infrastructure/audit/audit_origin'

type Verb = 'replay' | 'discard'

const PAST: Record<Verb, string> = { replay: 'replayed', discard: 'discarded' }

/*
 * Operators replay or discard dead letters: one from its row or its page, or
 * every open one matching the page's filter. The outcome, refusals included,
 * is flashed on the page the operator came from.
 */
@inject()
export default class DeadLetterResolutionsController {
  constructor(private resolver: ResolveDeadLetters) {}

  /* POST /dead-letters/:id/replay */
  replay(ctx: HttpContext) {
    return this.resolveOne(ctx, 'replay')
  }

  /* POST /dead-letters/:id/discard */
  discard(ctx: HttpContext) {
    return this.resolveOne(ctx, 'discard')
  }

  /* POST /dead-letters/replay-matching */
  replayMatching(ctx: HttpContext) {
    return this.resolveMatching(ctx, 'replay')
  }

  /* POST /dead-letters/discard-matching */
  discardMatching(ctx: HttpContext) {
    return this.resolveMatching(ctx, 'discard')
  }

  protected async resolveOne(ctx: HttpContext, verb: Verb) {
    const { bouncer, params, response, session } = ctx
    await bouncer.authorize('manageDeadLetters')
    const id = uuidParam(params.id)
    try {
      const letter = await this.resolver.one(verb, id, dashboardOrigin(ctx))
      session.flash('success', resolvedMessage(letter, verb))
    } catch (error) {
      if (!(error instanceof BusinessRefusal)) throw error
      session.flash('error', `Not ${PAST[verb]}: ${error.code} — ${error.message}`)
    }
    // Back to the page the form was on (the list keeps its filter), else the letter's page.
    return response.redirect().withQs().back(`/dead-letters/${id}`)
  }

  protected async resolveMatching(ctx: HttpContext, verb: Verb) {
    const { bouncer, request, response, session } = ctx
    await bouncer.authorize('manageDeadLetters')
    const input = await filterDeadLettersValidator.validate(filledFields(request.body()))
    const result = await this.resolver.handle(verb, deadLetterFilterOf(input), dashboardOrigin(ctx))
    session.flash(flashKind(result), bulkMessage(result, verb))
    return response.redirect().withQs().back('/dead-letters')
  }
}

/* All done: success; nothing done and something refused: error; otherwise a warning. */
function flashKind(result: BulkResult) {
  if (!result.refused.length) return result.done.length ? 'success' : 'warning'
  return result.done.length ? 'warning' : 'error'
}

function resolvedMessage(letter: DeadLetter, verb: Verb) {
  const name = `Dead letter ${letter.id.slice(0, 8)}`
  if (verb === 'discard') return `${name} discarded`
  return letter.payoutId
    ? `${name} replayed: payout ${letter.payoutId.slice(0, 8)} is back in the ${letter.queue} queue`
    : `${name} replayed to the ${letter.queue} queue`
}

/* "3 replayed, 1 refused: E_INSUFFICIENT_FUNDS (The balance does not cover amount plus fee)" */
function bulkMessage(result: BulkResult, verb: Verb) {
  if (!result.done.length && !result.refused.length) {
    return `No open dead letters match this filter: nothing ${PAST[verb]}`
  }
  const byCode = new Map<string, { count: number; message: string }>()
  for (const refusal of result.refused) {
    const entry = byCode.get(refusal.code) ?? { count: 0, message: refusal.message }
    entry.count += 1
    byCode.set(refusal.code, entry)
  }
  const refused = [...byCode].map(
    ([code, { count, message }]) => `${code}${count > 1 ? ` ×${count}` : ''} (${message})`
  )
  return [
    `${result.done.length} ${PAST[verb]}`,
    ...(refused.length ? [`${result.refused.length} refused: ${refused.join('; ')}`] : []),
  ].join(', ')
}
