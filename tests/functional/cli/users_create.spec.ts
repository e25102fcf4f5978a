import { spawnSync } from 'node:child_process'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import ace from '@adonisjs/core/services/ace'
import hash from '@adonisjs/core/services/hash'
import UsersCreate from '#commands/users_create'
import User from '#models/user'
import { UserFactory } from '#database/factories/user_factory'

let counter = 0
const uniqueEmail = () => `cli-user-${Date.now()}-${++counter}@example.test`

test.group('ace users:create', (group) => {
  group.each.setup(() => {
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('creates a user with the role and a scrypt hash of the password', async ({ assert }) => {
    const email = uniqueEmail()
    const command = await ace.create(UsersCreate, [
      email,
      '--role=operator',
      '--password=correct-horse-battery',
      '--name=Olga Operator',
    ])
    await command.exec()

    command.assertSucceeded()
    const user = await User.findByOrFail('email', email)
    command.assertLog(`[ green(success) ] Created operator ${email} (${user.id})`, 'stdout')
    assert.equal(user.role, 'operator')
    assert.equal(user.fullName, 'Olga Operator')
    assert.notEqual(user.password, 'correct-horse-battery')
    assert.match(user.password, /^\$scrypt\$/)
    assert.isTrue(await hash.verify(user.password, 'correct-horse-battery'))
    assert.isFalse(await hash.verify(user.password, 'wrong-horse-battery'))
  })

  test('stores the email in lower case', async ({ assert }) => {
    const email = uniqueEmail()
    const command = await ace.create(UsersCreate, [
      email.toUpperCase(),
      '--role=admin',
      '--password=correct-horse-battery',
    ])
    await command.exec()

    command.assertSucceeded()
    const user = await User.findByOrFail('email', email)
    assert.equal(user.role, 'admin')
  })

  test('refuses a duplicate email, whatever its case, with exit code 1', async ({ assert }) => {
    const existing = await UserFactory.apply('viewer').create()
    const command = await ace.create(UsersCreate, [
      existing.email.toUpperCase(),
      '--role=admin',
      '--password=correct-horse-battery',
    ])
    await command.exec()

    command.assertExitCode(1)
    command.assertLog('[ red(error) ] A user with this email already exists', 'stderr')
    const rows = await User.query().whereRaw('lower(email) = ?', [existing.email])
    assert.lengthOf(rows, 1)
    assert.equal(rows[0].role, 'viewer')
  })

  test('refuses an unknown role with exit code 1', async ({ assert }) => {
    const email = uniqueEmail()
    const command = await ace.create(UsersCreate, [
      email,
      '--role=superuser',
      '--password=correct-horse-battery',
    ])
    await command.exec()

    command.assertExitCode(1)
    command.assertLogMatches(/role: .*invalid/i, 'stderr')
    assert.isNull(await User.findBy('email', email))
  })

  test('refuses a password shorter than 12 characters', async ({ assert }) => {
    const email = uniqueEmail()
    const command = await ace.create(UsersCreate, [email, '--role=viewer', '--password=short'])
    await command.exec()

    command.assertExitCode(1)
    command.assertLogMatches(/password: .*12/, 'stderr')
    assert.isNull(await User.findBy('email', email))
  })

  test('refuses an invalid email', async ({ assert }) => {
    const command = await ace.create(UsersCreate, [
      'not-an-email',
      '--role=viewer',
      '--password=correct-horse-battery',
    ])
    await command.exec()

    command.assertExitCode(1)
    command.assertLogMatches(/email: /, 'stderr')
    assert.isNull(await User.findBy('email', 'not-an-email'))
  })

  test('without --password and without a terminal it fails instead of waiting', async ({
    assert,
  }) => {
    const email = uniqueEmail()
    const result = spawnSync(process.execPath, ['ace.js', 'users:create', email, '--role=admin'], {
      cwd: app.makePath(),
      env: { ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 30_000,
    })

    assert.equal(result.status, 1, result.stderr)
    assert.include(result.stderr, '--password is required when no terminal is attached')
    assert.isNull(await User.findBy('email', email))
  })
})
