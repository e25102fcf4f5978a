import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import { ApplyProviderResult } from '#actions/payouts/apply_provider_result'
import { direct } from '#infrastructure/database/direct'
import { inPayoutTrace } from '#infrastructure/tracing/payout_trace'
import { receiveProviderEventValidator } from '#validators/provider_webhook'
import {
  ProviderWebhookSignature,
  SIGNATURE_HEADER,
} from '#infrastructure/provider/webhook_signature'
import { InvalidWebhookSignatureException } from '#exceptions/webhook_exceptions'

/* POST /webhooks/provider: public, authenticated by the provider's signature over the raw body. */
@inject()
export default class ProviderWebhooksController {
  constructor(
    private signature: ProviderWebhookSignature,
    private applyProviderResult: ApplyProviderResult
  ) {}

  async store({ request }: HttpContext) {
    if (!this.signature.verify(request.header(SIGNATURE_HEADER), request.raw() ?? '')) {
      throw new InvalidWebhookSignatureException()
    }
    const event = await request.validateUsing(receiveProviderEventValidator)
    const applied = await inPayoutTrace(event.payout_id, 'provider webhook apply', () =>
      direct.transaction((trx) => this.applyProviderResult.handle(trx, event))
    )
    return { received: true, applied }
  }
}
