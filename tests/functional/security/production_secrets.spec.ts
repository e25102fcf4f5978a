import { test } from '@japa/runner'
import { randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import app from '@adonisjs/core/services/app'
import { productionSecretProblems, proxyTrust } from '#config/security'

const SAFE = () => randomBytes(36).toString('base64url')

/* `node ace.js migration:status` in production: a command that boots the app (config included), or refuses to. */
function bootInProduction(secrets: Record<string, string>) {
  return spawnSync(process.execPath, ['ace.js', 'migration:status'], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent', ...secrets },
    encoding: 'utf8',
    timeout: 30_000,
  })
}

test.group('Production refuses unsafe secrets at boot', () => {
  test('the shipped webhook secret: the process does not start and names the variable', ({
    assert,
  }) => {
    const result = bootInProduction({
      APP_KEY: SAFE(),
      PROVIDER_WEBHOOK_SECRET: 'dev-webhook-secret',
    })

    assert.notEqual(result.status, 0)
    const output = result.stdout + result.stderr
    assert.include(output, 'PROVIDER_WEBHOOK_SECRET is not safe for production')
    assert.include(output, 'openssl rand')
    assert.notInclude(output, 'APP_KEY is not safe')
  })

  test('a short or shipped APP_KEY is refused the same way', ({ assert }) => {
    for (const key of ['short-key', 'change-me-to-a-random-32-character-secret']) {
      const result = bootInProduction({ APP_KEY: key, PROVIDER_WEBHOOK_SECRET: SAFE() })
      assert.notEqual(result.status, 0)
      assert.include(result.stdout + result.stderr, 'APP_KEY is not safe for production')
    }
  })

  test('safe secrets boot', ({ assert }) => {
    const result = bootInProduction({
      APP_KEY: SAFE(),
      PROVIDER_WEBHOOK_SECRET: `${SAFE()},${SAFE()}`,
    })
    assert.equal(result.status, 0, result.stderr)
  })

  test('each rotation secret is checked, and every problem is listed', ({ assert }) => {
    const problems = productionSecretProblems(
      { APP_KEY: undefined, PROVIDER_WEBHOOK_SECRET: `${SAFE()},dev-webhook-secret` },
      ''
    )
    assert.lengthOf(problems, 2)
    assert.match(problems[0], /^APP_KEY is not safe for production: it is missing/)
    assert.match(problems[1], /^PROVIDER_WEBHOOK_SECRET .* shipped in the repository/)
    const shipped = `APP_KEY: \${APP_KEY:-${'k'.repeat(40)}}`
    assert.lengthOf(
      productionSecretProblems(
        { APP_KEY: 'k'.repeat(40), PROVIDER_WEBHOOK_SECRET: SAFE() },
        shipped
      ),
      1
    )
  })
})

test.group('trustProxy from TRUSTED_PROXIES', () => {
  test('loopback by default: a forwarded address is believed only from this host', ({ assert }) => {
    const trust = proxyTrust(['loopback'])
    assert.isTrue(trust('127.0.0.1'))
    assert.isTrue(trust('::ffff:127.0.0.1'))
    assert.isTrue(trust('::1'))
    assert.isFalse(trust('10.0.0.5'))
    assert.isFalse(trust('203.0.113.9'))
  })

  test('addresses and CIDRs', ({ assert }) => {
    const trust = proxyTrust(['10.0.0.0/8', '192.0.2.7'])
    assert.isTrue(trust('10.1.2.3'))
    assert.isTrue(trust('192.0.2.7'))
    assert.isFalse(trust('192.0.2.8'))
    assert.throws(() => proxyTrust(['not-an-address']), /TRUSTED_PROXIES/)
  })
})
