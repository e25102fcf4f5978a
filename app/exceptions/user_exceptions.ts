import { BusinessRefusal } from '#exceptions/business_refusal'

export class UserExistsException extends BusinessRefusal {
  static status = 409
  static code = 'E_USER_EXISTS'
  static message = 'A user with this email already exists'
}
