import { BusinessRefusal } from '#exceptions/business_refusal'

export class ForbiddenException extends BusinessRefusal {
  static status = 403
  static code = 'E_FORBIDDEN'
  static message = 'Not allowed to perform this action'
}
