/* Every id in this product is a UUID; input may use either letter case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// A string argument is only tested; anything else is also narrowed to string.
export function isUuid(value: string): boolean
export function isUuid(value: unknown): value is string
export function isUuid(value: unknown) {
  return typeof value === 'string' && UUID_PATTERN.test(value)
}
