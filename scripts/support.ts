/*
 * Helpers shared by scripts/start.ts and scripts/test.ts. They run before the
 * application boots (plain Node 24, no TypeScript loader), so only Node's own
 * modules and `pg` are used here.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'
import pg from 'pg'

/*
 * Reads settings from env files without touching process.env (the app parses
 * its own env files, with interpolation); the shell's variables win, then the
 * earlier files.
 */
export function readEnv(...files: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {}
  for (const file of [...files].reverse()) {
    if (existsSync(file)) Object.assign(values, parseEnv(readFileSync(file, 'utf8')))
  }
  return { ...values, ...process.env }
}

export function log(message: string) {
  process.stdout.write(`[payouts] ${message}\n`)
}

/* A PostgreSQL client for `database` with the DB_* settings (defaults as in config/database.ts). */
export function pgClient(env: Record<string, string | undefined>, database: string) {
  return new pg.Client({
    host: env.DB_HOST || '127.0.0.1',
    port: Number(env.DB_PORT || 5432),
    user: env.DB_USER || 'postgres',
    password: env.DB_PASSWORD || undefined,
    database,
  })
}

export async function ensureDatabase(name: string, env: Record<string, string | undefined>) {
  if (!/^[A-Za-z_][\w-]{0,62}$/.test(name)) throw new Error(`Unusable database name "${name}"`)
  const client = pgClient(env, 'postgres')
  await client.connect()
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`)
      log(`created database ${name}`)
    }
  } catch (error) {
    // Two processes creating the same database at once: the loser may go on.
    if ((error as { code?: string }).code !== '42P04') throw error
  } finally {
    await client.end()
  }
}

/* Runs `node ace.js …` with Node 24 and fails loudly when it fails. */
export function ace(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, ['ace.js', ...args], { stdio: 'inherit', env })
  if (result.status !== 0) {
    throw new Error(`ace ${args.join(' ')} exited with ${result.status ?? result.signal}`)
  }
}

/*
 * Compiles the application into build/ (a few seconds) so the long-running
 * processes run plain JavaScript: no TypeScript loader thread and no
 * compiler in memory. build/ reads its own .env, copied from the project's.
 */
export function buildApp(env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, ['ace.js', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  })
  if (result.status !== 0) throw new Error('compiling the application (ace build) failed')
  if (existsSync('.env')) copyFileSync('.env', 'build/.env')
}

/*
 * V8 heap limits for the long-running processes: without them the heap grows
 * to hundreds of MB of garbage on a machine with plenty of memory. The web
 * process gets a 16 MB young generation: at 4 MB, scavenges took about 15 %
 * of a deposit's CPU under load, for ~15 MB more RSS.
 */
export const NODE_FLAGS = {
  web: ['--max-old-space-size=128', '--max-semi-space-size=16'],
  worker: ['--max-old-space-size=64', '--max-semi-space-size=2'],
  provider: ['--max-old-space-size=64', '--max-semi-space-size=2'],
}
