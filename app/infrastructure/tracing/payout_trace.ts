import { isUuid } from '#domain/ids'
import { direct } from '#infrastructure/database/direct'
import { tracingEnabled } from '#infrastructure/tracing/sdk'
import { inSpan, SpanKind } from '#infrastructure/tracing/spans'

/*
 * Runs `work` (a provider callback's effect) in a span of the payout's own
 * trace: the provider sends no trace context, so the span's parent is the
 * trace context stored on the payout when it was created, and it links the
 * callback's request span. Without tracing, or for an unknown payout, just
 * `work()` (under the request span).
 */
export async function inPayoutTrace<T>(
  payoutId: unknown,
  name: string,
  work: () => Promise<T>
): Promise<T> {
  if (!tracingEnabled()) return work()
  const id = isUuid(payoutId) ? payoutId.toLowerCase() : null
  const stored = id ? await storedTraceparent(id) : null
  return inSpan(
    name,
    {
      kind: SpanKind.INTERNAL,
      parent: stored,
      linkActive: true,
      attributes: id ? { 'payout.id': id } : {},
    },
    work
  )
}

async function storedTraceparent(payoutId: string): Promise<string | null> {
  const result = await direct.rawQuery(`SELECT traceparent FROM payouts WHERE id = ?`, [payoutId])
  return (result.rows[0]?.traceparent as string | null | undefined) ?? null
}
