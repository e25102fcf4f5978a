import vine from '@vinejs/vine'

export const PROVIDER_EVENT_STATUSES = ['succeeded', 'failed'] as const

/* Body of a provider callback (CONTRACT.md, "Provider callbacks"). */
export const providerEventValidator = vine.create({
  event_id: vine.string().minLength(1).maxLength(255),
  payout_id: vine.string().minLength(1).maxLength(255),
  provider_reference: vine.string().minLength(1).maxLength(255),
  status: vine.enum(PROVIDER_EVENT_STATUSES),
  failure_code: vine.string().minLength(1).maxLength(100).nullable().optional(),
  failure_message: vine.string().maxLength(1000).nullable().optional(),
})
