import vine from '@vinejs/vine'
import type { FieldContext } from '@vinejs/vine/types'
import payoutsConfig from '#config/payouts'
import { formatAmount, isCurrency, parseAmount } from '#domain/money'

const MESSAGES = {
  type: 'The amount must be a decimal string such as "100.00"',
  format: 'The amount must be a positive decimal number such as "100.00"',
  precision: 'The amount has more decimals than the currency allows',
  not_positive: 'The amount must be greater than zero',
}

interface AmountOptions {
  /* Sibling field holding the currency; otherwise the currency comes from `meta.currency`. */
  currencyField?: string
}

/*
 * Turns the API's amount (a decimal string, or a JSON number taken as its
 * decimal text) into bigint minor units of the currency, or reports why not.
 */
const amountRule = vine.createRule(
  (value: unknown, options: AmountOptions, field: FieldContext) => {
    let text: string
    if (typeof value === 'string') text = value
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value)
    else return field.report(MESSAGES.type, 'amount', field)

    const currency = options.currencyField
      ? (field.parent as Record<string, unknown>)[options.currencyField]
      : field.meta.currency
    // An unknown currency is reported on its own field; nothing to check here then.
    if (typeof currency !== 'string' || !isCurrency(currency)) return

    const parsed = parseAmount(text, currency)
    if (!parsed.ok) return field.report(MESSAGES[parsed.reason], 'amount', field)
    if (parsed.minor > payoutsConfig.maxAmountMinor) {
      const max = formatAmount(payoutsConfig.maxAmountMinor, currency)
      return field.report(`The amount must not exceed ${max} ${currency}`, 'max_amount', field)
    }
    field.mutate(parsed.minor, field)
  }
)

/* Amount in minor units; cast the validated output with `as bigint`. */
export const amount = (options: AmountOptions = {}) => vine.any().use(amountRule(options))

export const currency = () =>
  vine
    .string()
    .fixedLength(3)
    .regex(/^[A-Z]{3}$/)
    .use(
      vine.createRule((value: unknown, _: undefined, field: FieldContext) => {
        if (typeof value === 'string' && !isCurrency(value)) {
          field.report('The currency must be an active ISO 4217 code', 'currency', field)
        }
      })()
    )
