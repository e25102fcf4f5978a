import { test } from '@japa/runner'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { randomUUID } from 'node:crypto'
import app from '@adonisjs/core/services/app'
import { ProviderClient } from '#infrastructure/provider/provider_client'
import { eventually } from '#tests/support/eventually'
import { freePort } from '#tests/support/app_processes'

test.group('ace provider:mock', () => {
  test('serves the provider API on --port until SIGTERM, then exits cleanly', async ({
    assert,
  }) => {
    const port = await freePort()
    const child = spawn(process.execPath, ['ace.js', 'provider:mock', `--port=${port}`], {
      cwd: app.appRoot.pathname,
      env: { ...process.env, LOG_LEVEL: 'silent', PROVIDER_TIMEOUT_MS: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const exited = once(child, 'exit')
    try {
      const url = `http://127.0.0.1:${port}`
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`provider:mock exited early:\n${output}`)
        return (await fetch(`${url}/health`).catch(() => null))?.status === 200
      }, 30_000)
      const client = new ProviderClient({ url, timeoutMs: 1000 })
      const payoutId = randomUUID()
      const request = { payoutId, amount: '1.00', currency: 'EUR', recipientDetails: 'x' }
      assert.equal((await client.pay(request)).kind, 'succeeded')
      assert.equal((await client.pay(request)).kind, 'succeeded')
      assert.equal((await client.status(payoutId)).kind, 'succeeded')
      const stats = await (await fetch(`${url}/stats`)).json()
      assert.deepInclude(stats, { payouts: 1, payments: 1, duplicates_refused: 1 })
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM')
    }
    const [code, signal] = await exited
    assert.equal(code, 0, output)
    assert.isNull(signal)
    assert.include(output, `Mock provider listening on port ${port}`)
  }).timeout(60_000)
})
