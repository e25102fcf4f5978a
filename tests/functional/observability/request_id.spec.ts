import { spawn, type ChildProcess } from 'node:child_process'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import testUtils from '@adonisjs/core/services/test_utils'
import RequestIdMiddleware from '#middleware/request_id_middleware'
import { eventually } from '#tests/support/eventually'
import { freePort } from '#tests/support/app_processes'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

async function contextWithRequestId(requestId?: string) {
  const req = new IncomingMessage(new Socket())
  req.url = '/api/v1/me'
  req.method = 'GET'
  if (requestId !== undefined) req.headers['x-request-id'] = requestId
  return testUtils.createHttpContext({ req, res: new ServerResponse(req) })
}

async function runMiddleware(requestId?: string) {
  const ctx = await contextWithRequestId(requestId)
  await new RequestIdMiddleware().handle(ctx, async () => {})
  return {
    echoed: ctx.response.getHeader('X-Request-Id'),
    bound: ctx.logger.bindings().request_id as unknown,
  }
}

test.group('Request id | X-Request-Id echo', () => {
  test('a sane incoming id is kept and echoed', async ({ client }) => {
    const response = await client.get('/health/live').header('X-Request-Id', 'client-42.a:b@c')

    response.assertHeader('x-request-id', 'client-42.a:b@c')
  })

  test('without one, a generated UUID is echoed', async ({ client, assert }) => {
    const response = await client.get('/api/v1/no-such-route')

    response.assertStatus(404)
    assert.match(String(response.header('x-request-id')), UUID)
  })

  test('an unsafe incoming id is replaced: {$self}')
    .with(['has spaces', 'semi;colon', 'new\\nline', '<script>', 'x'.repeat(129), ''])
    .run(async ({ client, assert }, unsafe) => {
      const response = await client.get('/health/live').header('X-Request-Id', unsafe)

      assert.match(String(response.header('x-request-id')), UUID)
    })
})

test.group('Request id | every ctx.logger line carries it', () => {
  test('the request logger is bound to the incoming id', async ({ assert }) => {
    const { echoed, bound } = await runMiddleware('trace-abc-123')

    assert.equal(echoed, 'trace-abc-123')
    assert.equal(bound, 'trace-abc-123')
  })

  test('the request logger is bound to the replacement of an unsafe id', async ({ assert }) => {
    const { echoed, bound } = await runMiddleware('bad id; drop table')

    assert.match(String(echoed), UUID)
    assert.equal(bound, echoed)
  })

  test('the request logger is bound to a generated id', async ({ assert }) => {
    const { echoed, bound } = await runMiddleware()

    assert.match(String(echoed), UUID)
    assert.equal(bound, echoed)
  })
})

/* The web process as `npm start` runs it, with its JSON log lines collected. */
async function startServer(port: number) {
  const lines: Record<string, unknown>[] = []
  const child = spawn(process.execPath, ['--import=@poppinss/ts-exec', 'bin/server.ts'], {
    cwd: app.makePath(),
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    const complete = buffered.split('\n')
    buffered = complete.pop()!
    for (const line of complete) {
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>)
    }
  })
  await eventually(
    () => lines.some((line) => /started HTTP server/.test(String(line.msg))),
    30_000,
    'the server to start'
  )
  return { child, lines }
}

test.group('Request id | JSON log lines of a running server', (group) => {
  let server: { child: ChildProcess; lines: Record<string, unknown>[] }
  let base: string

  group.setup(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    server = await startServer(port)
    return () => {
      server.child.kill('SIGTERM')
    }
  })

  test('the access log line names the echoed request id', async ({ assert }) => {
    const requests: [string, RequestInit][] = [
      ['/health/live', { headers: { 'X-Request-Id': 'log-test-kept-1' } }],
      ['/api/v1/me', {}],
      ['/no-such-page', { headers: { 'X-Request-Id': 'not sane!' } }],
    ]
    const echoed: string[] = []
    for (const [path, init] of requests) {
      const response = await fetch(`${base}${path}`, init)
      await response.arrayBuffer()
      echoed.push(response.headers.get('x-request-id')!)
    }
    assert.equal(echoed[0], 'log-test-kept-1')
    assert.match(echoed[1], UUID)
    assert.match(echoed[2], UUID)

    const accessLine = (id: string) =>
      server.lines.find((line) => line.msg === 'request completed' && line.request_id === id)
    await eventually(
      () => echoed.every((id) => accessLine(id)),
      5_000,
      'an access line per request'
    )

    assert.containSubset(accessLine(echoed[0]), { route: '/health/live', status: 200 })
    assert.containSubset(accessLine(echoed[1]), { route: '/api/v1/me', status: 401 })
    assert.containSubset(accessLine(echoed[2]), { route: 'unmatched', status: 404 })
    for (const line of server.lines.filter((entry) => entry.msg === 'request completed')) {
      assert.isString(line.request_id)
    }
    assert.notInclude(
      server.lines.map((line) => line.request_id),
      'not sane!'
    )
  })
})
