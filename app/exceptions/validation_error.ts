import { errors as vineErrors } from '@vinejs/vine'

/*
 * A validation failure found outside a VineJS schema (a rule that needs the
 * database, a cursor), rendered like any other: 422, one entry for the field.
 */
export function fieldError(field: string, rule: string, message: string) {
  return new vineErrors.E_VALIDATION_ERROR([{ field, rule, message }])
}
