/*
 * Helpers shared by scripts/start.ts and scripts/test.ts. They run before the
 * application boots (plain Node 24, no TypeScript loader), so only Node's own
 * modules and `pg` are used here.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import pg from 'pg'

/* Loads env files without overriding what the shell already set; earlier files win. */
export function loadEnv(...files: string[]) {
  for (const file of files) {
    if (existsSync(file)) process.loadEnvFile(file)
  }
}

export function log(message: string) {
  process.stdout.write(`[payouts] ${message}\n`)
}

export async function ensureDatabase(name: string) {
  if (!/^[A-Za-z_][\w-]{0,62}$/.test(name)) throw new Error(`Unusable database name "${name}"`)
  const client = new pg.Client({
    host: process.env.DB_HOST || '127.0.0.1',
    port: Number(process.env.DB_PORT || 5432),
    user: process.env.DB_USER || 'postgres',
    password: process.env.DB_PASSWORD || undefined,
    database: 'postgres',
  })
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
