import vine from '@vinejs/vine'
import { freeText } from '#validators/rules'

export const PROVIDER_EVENT_STATUSES = ['succeeded', 'failed'] as const

/* POST /webhooks/provider: the body of a provider callback (CONTRACT.md, "Provider callbacks"). */
export const receiveProviderEventValidator = vine.create({
  event_id: freeText(255, 1),
  payout_id: freeText(255, 1),
  provider_reference: freeText(255, 1),
  status: vine.enum(PROVIDER_EVENT_STATUSES),
  failure_code: freeText(100, 1).nullable().optional(),
  failure_message: freeText(1000).nullable().optional(),
})
