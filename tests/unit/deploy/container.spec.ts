/*
 * The image and docker-compose, checked without a Docker engine: the
 * Dockerfile's essentials, the roles of its entry point, and the compose
 * file as `docker-compose config` resolves it.
 */
import { test } from '@japa/runner'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

interface Stage {
  from: string
  name?: string
  instructions: { keyword: string; args: string }[]
}

/* The Dockerfile's stages, each with its instructions (continuations joined, comments dropped). */
function dockerfileStages(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
  const stages: Stage[] = []
  for (const line of lines) {
    const [keyword, ...rest] = line.split(/\s+/)
    const args = rest.join(' ')
    if (keyword.toUpperCase() === 'FROM') {
      const [from, , name] = rest
      stages.push({ from, name, instructions: [] })
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args })
    }
  }
  return stages
}

const args = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args)

test.group('Dockerfile', () => {
  test('multi-stage: compiled in a build stage, the runtime stage has production dependencies only', ({
    assert,
  }) => {
    const stages = dockerfileStages(readFileSync('Dockerfile', 'utf8'))
    assert.isAtLeast(stages.length, 2, 'multi-stage')
    const [build, runtime] = [stages[0], stages.at(-1)!]
    assert.isTrue(
      args(build, 'RUN').some((run) => /node ace(\.js)? build/.test(run)),
      'the build stage runs `node ace build`'
    )

    const runs = args(runtime, 'RUN').join('\n')
    assert.match(runs, /npm ci [^\n]*--omit=dev/)
    assert.notMatch(runs, /--include=dev|ace(\.js)? build|tsc|ts-exec/)
    // Only the compiled output comes in, from the build stage.
    for (const copy of args(runtime, 'COPY')) {
      assert.notMatch(copy, /^\.\s+\./, 'no `COPY . .` of the sources into the runtime stage')
      if (!copy.startsWith('deploy/docker/')) assert.match(copy, new RegExp(`--from=${build.name}`))
    }
  })

  test('non-root USER, HEALTHCHECK, an init as PID 1, no compile/migrate/seed at start', ({
    assert,
  }) => {
    const runtime = dockerfileStages(readFileSync('Dockerfile', 'utf8')).at(-1)!
    const user = args(runtime, 'USER').at(-1)
    assert.exists(user, 'USER is set')
    assert.notMatch(user!, /^(root|0)(:|$)/)
    assert.lengthOf(args(runtime, 'HEALTHCHECK'), 1)
    assert.match(args(runtime, 'ENTRYPOINT')[0], /tini/)
    const start = [...args(runtime, 'ENTRYPOINT'), ...args(runtime, 'CMD')].join(' ')
    assert.notMatch(start, /npm|migration|db:seed|build/)
  })
})

test.group('Image entry point (deploy/docker/entrypoint.sh)', (group) => {
  let bin: string
  group.setup(() => {
    // A stand-in `node` that prints what it was asked to run.
    bin = mkdtempSync(join(tmpdir(), 'entrypoint-'))
    writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "$@"\n')
    chmodSync(join(bin, 'node'), 0o755)
    return () => rmSync(bin, { recursive: true, force: true })
  })

  function run(...argv: string[]) {
    const result = spawnSync('sh', ['deploy/docker/entrypoint.sh', ...argv], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        PAYOUTS_ROLE_FILE: join(bin, 'role'),
        PORT: '3333',
        WORKER_METRICS_PORT: '9464',
      },
    })
    return { status: result.status, out: result.stdout.trim(), err: result.stderr }
  }

  test('each role runs its process with node directly', ({ assert }) => {
    assert.match(run('web').out, /bin\/server\.js$/)
    assert.match(run('worker').out, /ace\.js payouts:work$/)
    assert.match(run('relay').out, /ace\.js outbox:relay --watch$/)
    assert.equal(run('migrate').out, 'ace.js migration:run --force')
    assert.match(run('provider-mock').out, /ace\.js provider:mock$/)
    assert.equal(run('ace', 'idempotency:prune').out, 'ace.js idempotency:prune')
    const unknown = run('serve')
    assert.equal(unknown.status, 64)
    assert.match(unknown.err, /unknown role 'serve'/)
  })

  test('the healthcheck asks the role that runs in the container', ({ assert }) => {
    run('web')
    assert.match(run('healthcheck').out, /http:\/\/127\.0\.0\.1:3333\/health\/ready$/)
    run('worker')
    assert.match(run('healthcheck').out, /http:\/\/127\.0\.0\.1:9464\/health\/ready$/)
    run('relay')
    assert.deepEqual([run('healthcheck').status, run('healthcheck').out], [0, ''])
  })
})

const COMPOSE = spawnSync('docker-compose', ['version'], { encoding: 'utf8' })
const composeMissing = COMPOSE.error
  ? 'docker-compose is not installed (Debian: apt-get install docker-compose); compose file not checked'
  : null
const SECRETS = ['APP_KEY', 'DB_PASSWORD', 'PROVIDER_WEBHOOK_SECRET']

test.group('docker-compose.yml', (group) => {
  let emptyEnvFile: string
  group.setup(() => {
    const directory = mkdtempSync(join(tmpdir(), 'compose-'))
    emptyEnvFile = join(directory, '.env')
    writeFileSync(emptyEnvFile, '')
    return () => rmSync(directory, { recursive: true, force: true })
  })
  group.each.timeout(30_000)

  /* `docker-compose config` with only `env` (a local .env must not supply secrets). */
  function composeConfig(env: Record<string, string>) {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !SECRETS.includes(key))
    )
    return spawnSync('docker-compose', ['--env-file', emptyEnvFile, 'config'], {
      encoding: 'utf8',
      env: { ...clean, ...env },
    })
  }

  test('refuses to start without the secrets: none has a committed default', ({ assert }) => {
    const text = readFileSync('docker-compose.yml', 'utf8')
    for (const secret of SECRETS) {
      assert.notMatch(text, new RegExp(`\\$\\{${secret}:?-`), `${secret} has no default`)
      const others = Object.fromEntries(SECRETS.filter((s) => s !== secret).map((s) => [s, 'x']))
      const result = composeConfig(others)
      assert.notEqual(result.status, 0)
      assert.include(result.stderr, `set ${secret}`)
    }
  }).skip(composeMissing !== null, composeMissing ?? '')

  test('one image for every app service; migrate runs first; healthchecks; webhooks go to the app service', ({
    assert,
  }) => {
    const result = composeConfig({ APP_KEY: 'k', DB_PASSWORD: 'p', PROVIDER_WEBHOOK_SECRET: 's' })
    assert.equal(result.status, 0, result.stderr)
    const { services } = parse(result.stdout) as { services: Record<string, any> }
    const app = ['migrate', 'app', 'worker', 'provider']
    assert.deepEqual(
      app.map((name) => services[name].command),
      [['migrate'], ['web'], ['worker'], ['provider-mock']]
    )
    assert.deepEqual(new Set(app.map((name) => services[name].image)), new Set(['payouts:local']))
    for (const name of ['app', 'worker']) {
      assert.deepEqual(services[name].depends_on.migrate, {
        condition: 'service_completed_successfully',
      })
    }
    assert.deepEqual(services.migrate.depends_on.postgres, { condition: 'service_healthy' })
    for (const name of [...app, 'postgres', 'rabbitmq']) {
      assert.exists(services[name].healthcheck?.test, `${name} has a healthcheck`)
    }
    assert.equal(
      services.provider.environment.MOCK_PROVIDER_WEBHOOK_URL,
      'http://app:3333/webhooks/provider'
    )
    assert.equal(services.postgres.environment.POSTGRES_PASSWORD, 'p')
    for (const name of ['prometheus', 'grafana', 'jaeger']) assert.property(services, name)
  }).skip(composeMissing !== null, composeMissing ?? '')
})
