/*
 * Money is integer minor units (bigint) everywhere inside the application.
 * This module is the only place that turns the API's decimal strings into
 * minor units and back, and that computes the fee. No floating point.
 */

/* ISO 4217 currencies whose minor unit is not 2 decimals. */
const EXPONENT_EXCEPTIONS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
}

/* Active ISO 4217 codes accepted by the API. */
const CURRENCIES = new Set([
  ...Object.keys(EXPONENT_EXCEPTIONS),
  ...'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UZS VES WST XCD YER ZAR ZMW ZWL'.split(
    ' '
  ),
])

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code)
}

/* Number of decimals of the currency's minor unit (2 unless listed as an exception). */
export function exponentOf(currency: string): number {
  return EXPONENT_EXCEPTIONS[currency] ?? 2
}

export type ParseFailure = 'format' | 'precision' | 'not_positive'

const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/*
 * Parses a decimal string in major units ("100.00", "5", "0.5") into minor
 * units. Refuses signs, exponents, spaces and more decimals than the currency
 * has. Returns the reason when it cannot.
 */
export function parseAmount(
  text: string,
  currency: string
): { ok: true; minor: bigint } | { ok: false; reason: ParseFailure } {
  const match = DECIMAL.exec(text)
  if (!match) return { ok: false, reason: 'format' }
  const [, whole, fraction = ''] = match
  const exponent = exponentOf(currency)
  const significant = fraction.replace(/0+$/, '')
  if (significant.length > exponent) return { ok: false, reason: 'precision' }
  const minor = BigInt(whole + fraction.padEnd(exponent, '0').slice(0, exponent))
  if (minor <= 0n) return { ok: false, reason: 'not_positive' }
  return { ok: true, minor }
}

/* Formats minor units as the currency's decimal string: 9800n EUR → "98.00", 980n JPY → "980". */
export function formatAmount(minor: bigint, currency: string): string {
  const exponent = exponentOf(currency)
  const negative = minor < 0n
  const digits = (negative ? -minor : minor).toString()
  if (exponent === 0) return (negative ? '-' : '') + digits
  const padded = digits.padStart(exponent + 1, '0')
  const whole = padded.slice(0, padded.length - exponent)
  const fraction = padded.slice(padded.length - exponent)
  return `${negative ? '-' : ''}${whole}.${fraction}`
}

/*
 * fee = amount × bps / 10000, rounded half up to the minor unit. Amounts are
 * positive, so half up is (amount × bps + 5000) / 10000 in integer division.
 */
export function feeFor(amountMinor: bigint, feeBps: number): bigint {
  if (amountMinor < 0n) throw new RangeError('fee is computed on positive amounts only')
  return (amountMinor * BigInt(feeBps) + 5000n) / 10000n
}

/*
 * formatAmount as an SQL expression over a bigint column, for the one value an
 * event must carry before the application has seen it: a ledger entry's
 * balance_after, written by the same statement as the event (docs/adr/0008).
 * A unit test holds it equal to formatAmount. The exponent is ours, so it is
 * inlined as a number.
 */
export function formatAmountSql(column: string, currency: string): string {
  const exponent = exponentOf(currency)
  return `round(${column} / ${10 ** exponent}::numeric, ${exponent})::text`
}
