import type { errors as vineErrors } from '@vinejs/vine'

/* First message per field of a validation error, for pages that render their own errors. */
export function fieldErrors(error: InstanceType<typeof vineErrors.E_VALIDATION_ERROR>) {
  const errors: Record<string, string> = {}
  for (const { field, message } of error.messages as { field: string; message: string }[]) {
    errors[field] ??= message
  }
  return errors
}

/*
 * Builds the links of a filtered list page: the current filter with some
 * values replaced (`undefined` removes one). Changing a filter drops the cursor.
 */
export function listLink(path: string, current: Record<string, string | undefined>) {
  return (overrides: Record<string, string | undefined> = {}) => {
    const query = new URLSearchParams()
    for (const [key, value] of Object.entries({ ...current, ...overrides })) {
      if (value) query.set(key, value)
    }
    const text = query.toString()
    return text ? `${path}?${text}` : path
  }
}

/* An instant as a `datetime-local` value in UTC ("2026-01-31T12:00", seconds when set). */
export function localInstant(value: Date | undefined) {
  if (!value) return undefined
  const iso = value.toISOString()
  return iso.slice(17, 23) === '00.000' ? iso.slice(0, 16) : iso.slice(0, 19)
}
