/*
 * `npm test`: prepare the test database (created when missing, migrated from
 * scratch), then run every Japa suite. Extra arguments go to Japa, e.g.
 * `npm test -- unit` or `npm test -- --files=tests/functional/auth`.
 */
import { spawnSync } from 'node:child_process'
import { ace, ensureDatabase, log, readEnv } from './support.ts'

process.env.NODE_ENV = 'test'
const env = readEnv('.env.test', '.env')

async function main() {
  await ensureDatabase(env.DB_DATABASE || 'payouts_test', env)
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
