import { existsSync, readFileSync } from 'node:fs'
import { BlockList, isIP } from 'node:net'
import app from '@adonisjs/core/services/app'
import string from '@adonisjs/core/helpers/string'
import env from '#start/env'

/*
 * Secrets, token lifetimes, sign-in session limits and the proxies whose
 * X-Forwarded-* headers are believed. See docs/security.md.
 */

/* Values shipped with the code; anything containing one is public, hence no secret. */
const SHIPPED_SECRETS = [
  'dev-webhook-secret',
  'change-me-to-a-random-32-character-secret',
  'compose-demo-key-change-me-0123456789',
]
/* Files of the repository where an example secret may be written down. */
const SHIPPED_FILES = ['.env.example', '.env.test', 'docker-compose.yml', 'README.md']
const MIN_SECRET_BYTES = 32

const HOW_TO_GENERATE: Record<string, string> = {
  APP_KEY: 'generate one with `node ace generate:key --show`',
  PROVIDER_WEBHOOK_SECRET:
    'generate one with `openssl rand -base64 48` (comma-separate two while rotating)',
}

function shippedText(): string {
  return SHIPPED_FILES.map((file) => app.makePath(file))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n')
}

/*
 * Why a secret may not be used in production, or null when it may: missing,
 * shorter than 32 bytes, or one of the values the repository ships.
 */
export function unsafeSecretReason(value: string | undefined, shipped: string): string | null {
  if (!value) return 'it is missing'
  // Only a value of some length is looked for in the files: "abc" is in any text.
  if (SHIPPED_SECRETS.includes(value) || (value.length >= 8 && shipped.includes(value))) {
    return 'it is a value shipped in the repository, hence public'
  }
  if (Buffer.byteLength(value, 'utf8') < MIN_SECRET_BYTES) {
    return `it is shorter than ${MIN_SECRET_BYTES} bytes`
  }
  return null
}

/* Every problem with the production secrets, one line each naming the variable and the fix. */
export function productionSecretProblems(
  secrets: { APP_KEY?: string; PROVIDER_WEBHOOK_SECRET?: string },
  shipped = shippedText()
): string[] {
  // Every webhook secret counts: the old one of a rotation verifies callbacks as well.
  const webhook = (secrets.PROVIDER_WEBHOOK_SECRET ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean)
  const candidates: [string, string | undefined][] = [
    ['APP_KEY', secrets.APP_KEY],
    ...(webhook.length ? webhook : [undefined]).map((value): [string, string | undefined] => [
      'PROVIDER_WEBHOOK_SECRET',
      value,
    ]),
  ]
  const problems: string[] = []
  for (const [name, value] of candidates) {
    const reason = unsafeSecretReason(value, shipped)
    if (reason) {
      problems.push(`${name} is not safe for production: ${reason}; ${HOW_TO_GENERATE[name]}`)
    }
  }
  return problems
}

if (app.inProduction) {
  const problems = productionSecretProblems({
    APP_KEY: env.get('APP_KEY')?.release(),
    PROVIDER_WEBHOOK_SECRET: env.get('PROVIDER_WEBHOOK_SECRET'),
  })
  if (problems.length) throw new Error(`Refusing to start:\n  ${problems.join('\n  ')}`)
}

/* A duration such as "90 days", or "never"; undefined for never. */
function lifetime(name: 'TOKEN_DEFAULT_EXPIRY', fallback: string): string | undefined {
  const value = env.get(name, fallback).trim()
  if (value === 'never') return undefined
  string.seconds.parse(value)
  return value
}

const securityConfig = {
  /* Lifetime of a new API token when none is asked for; undefined: never expires. */
  tokenDefaultExpiry: lifetime('TOKEN_DEFAULT_EXPIRY', '90 days'),
  /* A dashboard session ends this long after sign-in, however active (idle: config/session.ts). */
  sessionAbsoluteTimeoutSeconds: string.seconds.parse(env.get('SESSION_ABSOLUTE_TIMEOUT', '12h')),
  /* Proxies (addresses, CIDRs or proxy-addr names) whose X-Forwarded-For is believed. */
  trustedProxies: env
    .get('TRUSTED_PROXIES', 'loopback')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
}

export default securityConfig

/* Named ranges as proxy-addr knows them. */
const NAMED_RANGES: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
}

/*
 * The `trustProxy` function of config/app.ts: true for a hop whose address
 * is in TRUSTED_PROXIES (addresses, CIDRs, or loopback / linklocal /
 * uniquelocal). Anything else, the client address is the socket's.
 */
export function proxyTrust(entries: string[]) {
  const trusted = new BlockList()
  for (const entry of entries) {
    for (const [network, prefix, type] of NAMED_RANGES[entry] ?? [cidr(entry)]) {
      trusted.addSubnet(network, prefix, type)
    }
  }
  return (address: string) => {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    const version = isIP(plain)
    return version !== 0 && trusted.check(plain, version === 4 ? 'ipv4' : 'ipv6')
  }
}

function cidr(entry: string): [string, number, 'ipv4' | 'ipv6'] {
  const [address, bits] = entry.split('/')
  const version = isIP(address)
  const prefix = bits === undefined ? (version === 4 ? 32 : 128) : Number(bits)
  if (
    version === 0 ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > (version === 4 ? 32 : 128)
  ) {
    throw new Error(
      `TRUSTED_PROXIES: "${entry}" is not an address, a CIDR or loopback/linklocal/uniquelocal`
    )
  }
  return [address, prefix, version === 4 ? 'ipv4' : 'ipv6']
}
