import { BusinessRefusal } from '#exceptions/business_refusal'

export class IdempotencyKeyReusedException extends BusinessRefusal {
  static status = 422
  static code = 'E_IDEMPOTENCY_KEY_REUSED'
  static message = 'This Idempotency-Key was already used with a different request'
}

export class IdempotencyKeyInUseException extends BusinessRefusal {
  static status = 409
  static code = 'E_IDEMPOTENCY_KEY_IN_USE'
  static message = 'A request with this Idempotency-Key is still being processed'
  headers = { 'Retry-After': '1' }
}

/* Our claim went stale and another request took it over: this one must not apply. */
export class IdempotencyKeyLostException extends BusinessRefusal {
  static status = 409
  static code = 'E_IDEMPOTENCY_KEY_IN_USE'
  static message = 'A retry with this Idempotency-Key took over while this request was running'
  headers = { 'Retry-After': '1' }
}

export class InvalidIdempotencyKeyException extends BusinessRefusal {
  static status = 400
  static code = 'E_BAD_REQUEST'
  static message = 'Idempotency-Key must be 1 to 255 printable ASCII characters'
}
