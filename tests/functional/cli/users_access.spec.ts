import { test } from '@japa/runner'
import ace from '@adonisjs/core/services/ace'
import db from '@adonisjs/lucid/services/db'
import UsersAccess from '#commands/users_access'
import { UserFactory } from '#database/factories/user_factory'
import { tokenFor, truncate } from '#tests/helpers'

test.group('ace users:access', (group) => {
  group.each.setup(async () => {
    await truncate('users')
    ace.ui.switchMode('raw')
    return () => ace.ui.switchMode('normal')
  })

  test('--disable revokes the tokens and refuses them; --enable lets the user back', async ({
    assert,
    client,
  }) => {
    await UserFactory.apply('admin').create()
    const { user, token } = await tokenFor(['payouts:read'])

    const disable = await ace.create(UsersAccess, [user.email, '--disable'])
    await disable.exec()
    disable.assertSucceeded()
    ;(await client.get('/api/v1/me').bearerToken(token)).assertStatus(401)
    await user.refresh()
    assert.isNotNull(user.disabledAt)
    const audit = await db.from('audit_log').where({ action: 'user.disable', target_id: user.id })
    assert.equal(audit[0].via, 'cli')

    const enable = await ace.create(UsersAccess, [user.email, '--enable'])
    await enable.exec()
    enable.assertSucceeded()
    await user.refresh()
    assert.isNull(user.disabledAt)
  })

  test('--role changes the role; the last admin cannot be demoted', async ({ assert }) => {
    const admin = await UserFactory.apply('admin').create()
    const viewer = await UserFactory.apply('viewer').create()

    const promote = await ace.create(UsersAccess, [viewer.email, '--role=operator'])
    await promote.exec()
    promote.assertSucceeded()
    await viewer.refresh()
    assert.equal(viewer.role, 'operator')

    const demote = await ace.create(UsersAccess, [admin.email, '--role=viewer'])
    await demote.exec()
    demote.assertFailed()
    await admin.refresh()
    assert.equal(admin.role, 'admin')
  })

  test('exactly one of --disable, --enable, --role', async () => {
    const user = await UserFactory.apply('viewer').create()
    const command = await ace.create(UsersAccess, [user.email, '--disable', '--enable'])
    await command.exec()
    command.assertFailed()
  })
})
