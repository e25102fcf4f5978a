import { BusinessRefusal } from '#exceptions/business_refusal'

export class AccountExistsException extends BusinessRefusal {
  static status = 409
  static code = 'E_ACCOUNT_EXISTS'
  static message = 'An account with this external_ref and currency already exists'
}

export class AccountNotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'Account not found'
}

export class InsufficientFundsException extends BusinessRefusal {
  static status = 409
  static code = 'E_INSUFFICIENT_FUNDS'
  static message = 'The balance does not cover amount plus fee'
}
