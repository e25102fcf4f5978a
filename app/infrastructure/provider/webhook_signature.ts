import { createHmac, timingSafeEqual } from 'node:crypto'
import payoutsConfig from '#config/payouts'

export const SIGNATURE_HEADER = 'Provider-Signature'

const HEX_SHA256 = /^[0-9a-f]{64}$/i

/*
 * `Provider-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * Signing uses the first secret; verifying accepts any of them, so a secret
 * can be rotated by listing the new one first and dropping the old one once
 * the provider has switched. The timestamp bounds replays of a captured
 * callback to the tolerance window, in both directions (clock skew).
 */
export class ProviderWebhookSignature {
  constructor(
    private secrets: string[] = payoutsConfig.provider.webhookSecrets,
    private toleranceSeconds: number = payoutsConfig.provider.webhookToleranceSeconds
  ) {
    if (secrets.length === 0) throw new Error('At least one provider webhook secret is needed')
  }

  sign(rawBody: string, timestamp = Math.floor(Date.now() / 1000)) {
    return `t=${timestamp},v1=${digest(this.secrets[0], timestamp, rawBody)}`
  }

  verify(header: string | undefined | null, rawBody: string, nowMs = Date.now()): boolean {
    if (!header) return false
    const parsed = parseHeader(header)
    if (!parsed) return false
    if (Math.abs(nowMs / 1000 - parsed.timestamp) > this.toleranceSeconds) return false

    const given = parsed.signatures.map((hex) => Buffer.from(hex, 'hex'))
    let valid = false
    // Every secret is compared against every signature, so the time taken does not say which matched.
    for (const secret of this.secrets) {
      const expected = Buffer.from(digest(secret, parsed.timestamp, rawBody), 'hex')
      for (const signature of given) {
        if (signature.length === expected.length && timingSafeEqual(signature, expected)) {
          valid = true
        }
      }
    }
    return valid
  }
}

function digest(secret: string, timestamp: number, rawBody: string) {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex')
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const index = part.indexOf('=')
    if (index < 0) continue
    const key = part.slice(0, index).trim()
    const value = part.slice(index + 1).trim()
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return null
      timestamp = Number(value)
    } else if (key === 'v1' && HEX_SHA256.test(value)) {
      signatures.push(value)
    }
  }
  if (timestamp === null || signatures.length === 0) return null
  return { timestamp, signatures }
}
