import { spawnSync } from 'node:child_process'
import { DateTime } from 'luxon'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import TokensCreate from '#commands/tokens_create'
import type User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'

function tokensOf(user: User) {
  return db.from('auth_access_tokens').where('tokenable_id', user.id).orderBy('created_at', 'asc')
}

function stdoutOf(command: TokensCreate) {
  return command.logger
    .getLogs()
    .filter((entry) => entry.stream === 'stdout')
    .map((entry) => entry.message)
}

test.group('ace tokens:create', (group) => {
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('prints only the token, and that token authenticates GET /api/v1/me', async ({
    assert,
    client,
  }) => {
    const user = await UserFactory.apply('operator').create()
    const command = await ace.create(TokensCreate, [user.email, '--abilities=*'])
    await command.exec()

    command.assertSucceeded()
    const lines = stdoutOf(command)
    assert.lengthOf(lines, 1)
    assert.match(lines[0], /^pat_[A-Za-z0-9._-]+$/)
    assert.lengthOf(
      command.logger.getLogs().filter((entry) => entry.stream === 'stderr'),
      0
    )

    const response = await client.get('/api/v1/me').bearerToken(lines[0])
    response.assertStatus(200)
    assert.equal(response.body().email, user.email)
    assert.equal(response.body().role, 'operator')
    assert.deepEqual(response.body().token.abilities, ['*'])
    assert.equal(response.body().token.name, 'cli')
    // TOKEN_DEFAULT_EXPIRY: 90 days unless asked otherwise.
    const expiresIn = Date.parse(response.body().token.expires_at) - Date.now()
    assert.closeTo(expiresIn / 86_400_000, 90, 0.01)
  })

  test('--expires-in=never makes a token that does not expire', async ({ assert }) => {
    const user = await UserFactory.apply('viewer').create()
    const command = await ace.create(TokensCreate, [
      user.email,
      '--abilities=payouts:read',
      '--expires-in=never',
    ])
    await command.exec()

    command.assertSucceeded()
    const [row] = await tokensOf(user)
    assert.isNull(row.expires_at)
  })

  test('abilities beyond the role are left out, with a warning on stderr', async ({ assert }) => {
    const user = await UserFactory.apply('viewer').create()
    const command = await ace.create(TokensCreate, [user.email, '--abilities=*'])
    await command.exec()

    command.assertSucceeded()
    const [row] = await tokensOf(user)
    assert.deepEqual(JSON.parse(row.abilities), ['accounts:read', 'payouts:read'])
    const warnings = command.logger.getLogs().filter((entry) => entry.stream === 'stderr')
    assert.lengthOf(warnings, 1)
  })

  test('abilities the role allows none of are refused with exit code 1', async ({ assert }) => {
    const user = await UserFactory.apply('viewer').create()
    const command = await ace.create(TokensCreate, [user.email, '--abilities=dlq:manage'])
    await command.exec()

    command.assertFailed()
    assert.lengthOf(await tokensOf(user), 0)
  })

  test('stores the listed abilities and the name', async ({ assert }) => {
    const user = await UserFactory.apply('admin').create()
    const command = await ace.create(TokensCreate, [
      user.email,
      '--abilities=payouts:read, payouts:write,payouts:read',
      '--name=billing-service',
    ])
    await command.exec()

    command.assertSucceeded()
    const [row] = await tokensOf(user)
    assert.equal(row.name, 'billing-service')
    assert.deepEqual(JSON.parse(row.abilities), ['payouts:read', 'payouts:write'])
    assert.notInclude(row.hash, stdoutOf(command)[0])
    // Audited in the token's transaction, via the CLI.
    const audit = await db
      .from('audit_log')
      .where({ action: 'token.create', target_id: String(row.id) })
      .firstOrFail()
    assert.equal(audit.via, 'cli')
    assert.deepEqual(audit.changes.abilities.after, ['payouts:read', 'payouts:write'])
  })

  test('the real process writes exactly one line, the token, on stdout', async ({
    assert,
    client,
  }) => {
    const user = await UserFactory.apply('viewer').create()
    const result = spawnSync(
      process.execPath,
      ['ace.js', 'tokens:create', user.email, '--abilities=accounts:read,payouts:read'],
      {
        cwd: app.makePath(),
        // Application logs at info level must not leak onto stdout either.
        env: { ...process.env, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
        timeout: 30_000,
      }
    )

    assert.equal(result.status, 0, result.stderr)
    assert.match(result.stdout, /^pat_[A-Za-z0-9._-]+\n$/)
    const response = await client.get('/api/v1/me').bearerToken(result.stdout.trim())
    response.assertStatus(200)
    assert.deepEqual(response.body().token.abilities, ['accounts:read', 'payouts:read'])
  })

  test('--expires-in="30 days" sets expires_at 30 days out', async ({ assert, client }) => {
    const user = await UserFactory.apply('viewer').create()
    const command = await ace.create(TokensCreate, [
      user.email,
      '--abilities=payouts:read',
      '--expires-in=30 days',
    ])
    await command.exec()

    command.assertSucceeded()
    const [row] = await tokensOf(user)
    const expected = DateTime.now().plus({ days: 30 })
    const expiresAt = DateTime.fromJSDate(new Date(row.expires_at))
    assert.isBelow(Math.abs(expiresAt.diff(expected, 'seconds').seconds), 60)

    const response = await client.get('/api/v1/me').bearerToken(stdoutOf(command)[0])
    response.assertStatus(200)
    assert.isNotNull(response.body().token.expires_at)
  })

  test('refuses unknown abilities with exit code 1 and creates nothing', async ({ assert }) => {
    const user = await UserFactory.apply('admin').create()
    const command = await ace.create(TokensCreate, [
      user.email,
      '--abilities=payouts:read,payouts:delete,root',
    ])
    await command.exec()

    command.assertExitCode(1)
    command.assertLog('[ red(error) ] Unknown abilities: payouts:delete, root', 'stderr')
    assert.lengthOf(stdoutOf(command), 0)
    assert.lengthOf(await tokensOf(user), 0)
  })

  test('refuses an empty ability list', async ({ assert }) => {
    const user = await UserFactory.apply('admin').create()
    const command = await ace.create(TokensCreate, [user.email, '--abilities= , '])
    await command.exec()

    command.assertExitCode(1)
    command.assertLog('[ red(error) ] Unknown abilities: (none given)', 'stderr')
    assert.lengthOf(await tokensOf(user), 0)
  })

  test('refuses an unknown email with exit code 1', async ({ assert }) => {
    const command = await ace.create(TokensCreate, ['nobody@example.test', '--abilities=*'])
    await command.exec()

    command.assertExitCode(1)
    command.assertLog('[ red(error) ] No user with email nobody@example.test', 'stderr')
    assert.lengthOf(stdoutOf(command), 0)
  })

  test('refuses --expires-in={$self}')
    .with(['banana', '0d', '-1d', '10', '500ms', '30', 'days'])
    .run(async ({ assert }, expiresIn) => {
      const user = await UserFactory.apply('admin').create()
      const command = await ace.create(TokensCreate, [
        user.email,
        '--abilities=*',
        `--expires-in=${expiresIn}`,
      ])
      await command.exec()

      command.assertExitCode(1)
      command.assertLogMatches(/--expires-in must be a positive duration/, 'stderr')
      assert.lengthOf(stdoutOf(command), 0)
      assert.lengthOf(await tokensOf(user), 0)
    })
})
