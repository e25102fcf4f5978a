import { BusinessRefusal } from '#exceptions/business_refusal'

export class InvalidWebhookSignatureException extends BusinessRefusal {
  static status = 401
  static code = 'E_UNAUTHORIZED'
  static message = 'Missing, invalid or expired Provider-Signature'
}
