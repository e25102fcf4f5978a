import { BusinessRefusal } from '#exceptions/business_refusal'

export class UserExistsException extends BusinessRefusal {
  static status = 409
  static code = 'E_USER_EXISTS'
  static message = 'A user with this email already exists'
}

export class UserNotFoundException extends BusinessRefusal {
  static status = 404
  static code = 'E_NOT_FOUND'
  static message = 'No such user'
}

export class LastAdminException extends BusinessRefusal {
  static status = 409
  static code = 'E_LAST_ADMIN'
  static message = 'This is the last enabled admin: make another admin first'
}
