import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import app from '@adonisjs/core/services/app'

/* How `npm start` runs each process, here from the TypeScript sources. */
const ARGS = {
  web: ['--import=@poppinss/ts-exec', 'bin/server.ts'],
  worker: ['ace.js', 'payouts:work'],
  provider: ['ace.js', 'provider:mock'],
}

export interface AppProcess {
  child: ChildProcess
  /* stdout lines, as written (JSON log lines and ace's own messages). */
  lines: string[]
  /* The JSON log lines, parsed. */
  json(): Record<string, unknown>[]
  stop(): Promise<void>
}

/* One of the application's processes as its own OS process, with its stdout collected. */
export function startAppProcess(
  kind: keyof typeof ARGS,
  env: Record<string, string | undefined>
): AppProcess {
  const child = spawn(process.execPath, ARGS[kind], {
    cwd: app.makePath(),
    env: { ...process.env, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: string[] = []
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    const complete = buffered.split('\n')
    buffered = complete.pop()!
    lines.push(...complete)
  })
  return {
    child,
    lines,
    json: () =>
      lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as never),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.once('exit', () => {
          clearTimeout(kill)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}
