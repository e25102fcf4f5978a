import { BusinessRefusal } from '#exceptions/business_refusal'

export class DeadLetterNotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'Dead letter not found'
}

export class DeadLetterClosedException extends BusinessRefusal {
  static status = 409
  static code = 'E_INVALID_STATE'
  static message = 'This dead letter was already replayed or discarded'
}
