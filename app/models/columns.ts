/*
 * pg returns bigint columns as strings; money columns become `bigint` here so
 * no amount is ever a JavaScript number.
 */
export const bigintColumn = {
  prepare: (value: bigint | null) => (value === null ? null : value.toString()),
  consume: (value: string | number | null) => (value === null ? null : BigInt(value)),
}
