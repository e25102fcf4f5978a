import { Exception } from '@adonisjs/core/exceptions'

/*
 * A request that was understood and refused by a business rule (insufficient
 * funds, invalid state, duplicate account...). Subclasses set a static status,
 * code and message; the global handler renders them in the contract's error
 * format, and they are never reported as server faults.
 */
export abstract class BusinessRefusal extends Exception {}

export class NotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'Resource not found'
}

export class BadRequestException extends BusinessRefusal {
  static status = 400
  static code = 'E_BAD_REQUEST'
  static message = 'The request body must be a JSON object'
}
