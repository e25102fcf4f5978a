/*
 * `npm start`: migrate and seed, then run the processes named in
 * START_PROCESSES (web, worker, provider) together until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { ace, buildApp, ensureDatabase, log, NODE_FLAGS, readEnv } from './support.ts'

const env = readEnv('.env')

/* Each runs the compiled application in build/ (see buildApp). */
const PROCESSES: Record<string, { args: string[]; needs: string }> = {
  web: { args: [...NODE_FLAGS.web, 'build/bin/server.js'], needs: 'bin/server.ts' },
  worker: {
    args: [...NODE_FLAGS.worker, 'build/ace.js', 'payouts:work'],
    needs: 'commands/payouts_work.ts',
  },
  provider: {
    args: [...NODE_FLAGS.provider, 'build/ace.js', 'provider:mock'],
    needs: 'commands/provider_mock.ts',
  },
}

function enableRabbitManagement() {
  const result = spawnSync('rabbitmq-plugins', ['enable', 'rabbitmq_management'], {
    stdio: 'ignore',
    timeout: 60_000,
  })
  if (result.error) log('rabbitmq-plugins not found here: management UI left as it is')
  else if (result.status === 0) log('RabbitMQ management plugin enabled (http://localhost:15672)')
  else log('could not enable the RabbitMQ management plugin (not fatal)')
}

async function main() {
  const requested = (env.START_PROCESSES || 'web,worker,provider')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const unknown = requested.filter((name) => !PROCESSES[name])
  if (unknown.length)
    throw new Error(`START_PROCESSES names unknown processes: ${unknown.join(', ')}`)

  await ensureDatabase(env.DB_DATABASE || 'payouts', env)
  ace(['migration:run', '--force'])
  enableRabbitManagement()
  ace(['db:seed'])
  log('compiling into build/')
  buildApp()

  const children = new Map<string, ChildProcess>()
  let stopping = false
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log(`stopping ${[...children.keys()].join(', ')}`)
    for (const child of children.values()) child.kill(signal)
  }

  for (const name of requested) {
    const spec = PROCESSES[name]
    if (!existsSync(spec.needs)) {
      log(`${name}: not part of this version yet, skipped`)
      continue
    }
    const child = spawn(process.execPath, spec.args, { stdio: 'inherit', env: process.env })
    children.set(name, child)
    log(`${name} started (pid ${child.pid})`)
    child.on('exit', (code, signal) => {
      children.delete(name)
      if (!stopping) {
        log(`${name} exited (${code ?? signal}); stopping the others`)
        process.exitCode = 1
        stopAll('SIGTERM')
      }
      if (children.size === 0) process.exit()
    })
  }

  process.on('SIGINT', () => stopAll('SIGTERM'))
  process.on('SIGTERM', () => stopAll('SIGTERM'))
}

main().catch((error) => {
  log(`start failed: ${(error as Error).message}`)
  process.exit(1)
})
