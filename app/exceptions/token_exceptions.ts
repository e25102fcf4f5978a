import { BusinessRefusal } from '#exceptions/business_refusal'

export class TokenNotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'This token does not exist or was already revoked'
}

export class TokenAbilitiesNotAllowedException extends BusinessRefusal {
  static status = 422
  static code = 'E_ABILITIES_NOT_ALLOWED'

  constructor(role: string) {
    super(`None of these abilities is allowed to the ${role} role`)
  }
}
