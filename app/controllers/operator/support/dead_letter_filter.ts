import type { DeadLetterFilter } from '#queries/dead_letters/dead_letter_query'
import type { DEAD_LETTER_TABS } from '#validators/dead_letter'

export interface DeadLetterFormInput {
  status?: (typeof DEAD_LETTER_TABS)[number]
  q?: string
  error_code?: string
  created_from?: Date
  created_to?: Date
}

/* The dead-letters page's form fields as the query filter; the `all` tab filters no status. */
export function deadLetterFilterOf(input: DeadLetterFormInput): DeadLetterFilter {
  return {
    status: input.status === 'all' ? undefined : input.status,
    search: input.q || undefined,
    errorCode: input.error_code || undefined,
    createdFrom: input.created_from,
    createdTo: input.created_to,
  }
}

/* The same fields as strings again, to refill the form and to carry them in links. */
export function deadLetterFormValues(input: DeadLetterFormInput) {
  const day = (value?: Date) => (value ? value.toISOString().slice(0, 10) : '')
  return {
    q: input.q ?? '',
    error_code: input.error_code ?? '',
    created_from: day(input.created_from),
    created_to: day(input.created_to),
  }
}

/* A GET form sends its empty fields as `name=`; they mean "no filter", not an invalid value. */
export function filledFields(fields: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''))
}
