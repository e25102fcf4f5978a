/*
 * The contract's error body: `{"errors": [{code, message, field?, rule?}]}`.
 */
export interface ApiErrorEntry {
  code: string
  message: string
  field?: string
  rule?: string
}

export interface ApiError {
  status: number
  errors: ApiErrorEntry[]
  headers?: Record<string, string>
}

export function apiError(status: number, code: string, message: string): ApiError {
  return { status, errors: [{ code, message }] }
}
