/*
 * `npm test`: prepare the test database (created when missing, migrated from
 * scratch), then run every Japa suite. Extra arguments go to Japa, e.g.
 * `npm test -- unit` or `npm test -- --files=tests/functional/auth`.
 */
import { spawnSync } from 'node:child_process'
import { ace, ensureDatabase, log, readEnv } from './support.ts'

process.env.NODE_ENV = 'test'
const env = readEnv('.env.test', '.env')

/*
 * Tests get a RabbitMQ vhost of their own, named after the test database and
 * created afresh on every run. Messages that other processes left on the
 * shared broker (a running `npm start`, a benchmark, an interrupted run) then
 * cannot reach the tests' worker and slow its sweeps, and two runs on
 * different databases do not consume each other's commands. It needs the
 * local `rabbitmqctl` (root, as on CI); without it, or for a remote broker or
 * a URL that names its own vhost, the tests use RABBITMQ_URL as configured.
 */
function freshVhost(url: string, name: string): string {
  const parsed = new URL(url)
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
  if (!local || (parsed.pathname !== '' && parsed.pathname !== '/')) return url
  const rabbitmqctl = (...args: string[]) =>
    spawnSync('rabbitmqctl', args, { encoding: 'utf8', timeout: 60_000 })
  const removed = rabbitmqctl('delete_vhost', name) // fails harmlessly when it does not exist
  if (removed.error) {
    log('rabbitmqctl not usable here: tests share the configured RabbitMQ vhost')
    return url
  }
  const user = decodeURIComponent(parsed.username) || 'guest'
  const added = rabbitmqctl('add_vhost', name)
  const allowed = rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*')
  if (added.status !== 0 || allowed.status !== 0) {
    log(`could not create the RabbitMQ vhost ${name}: tests share the configured vhost`)
    return url
  }
  parsed.pathname = `/${encodeURIComponent(name)}`
  log(`tests use the fresh RabbitMQ vhost ${name}`)
  return parsed.toString()
}

async function main() {
  const database = env.DB_DATABASE || 'payouts_test'
  await ensureDatabase(database, env)
  process.env.RABBITMQ_URL = freshVhost(
    env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672',
    database
  )
  ace(['migration:fresh', '--force'])
  log('running tests')
  const result = spawnSync(
    process.execPath,
    ['--import=@poppinss/ts-exec', 'bin/test.ts', ...process.argv.slice(2)],
    { stdio: 'inherit', env: process.env }
  )
  process.exit(result.status ?? 1)
}

main().catch((error) => {
  log(`test setup failed: ${(error as Error).message}`)
  process.exit(1)
})
