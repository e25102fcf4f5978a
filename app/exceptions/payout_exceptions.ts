import { BusinessRefusal } from '#exceptions/business_refusal'

export class InvalidStateException extends BusinessRefusal {
  static status = 409
  static code = 'E_INVALID_STATE'
  static message = 'The payout is not in a state that allows this'
}

export class PayoutNotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'Payout not found'
}
