import { BusinessRefusal } from '#exceptions/business_refusal'

export class TokenNotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'This token does not exist or was already revoked'
}
