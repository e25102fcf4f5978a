import { test } from '@japa/runner'
import { eventually } from '#tests/support/eventually'
import { freePort, startAppProcess, type AppProcess } from '#tests/support/app_processes'

const REQUESTS = 12

function liveCount(text: string) {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('http_request_duration_seconds_count') &&
        l.includes('route="/health/live"') &&
        l.includes('status_code="200"')
    )
  return line ? Number(line.split(' ').at(-1)) : 0
}

/*
 * WEB_CONCURRENCY=2: two cluster workers share the port and each counts only
 * the requests it served; /metrics must answer for both, whichever serves it.
 */
test.group('Metrics | a web cluster answers /metrics for every worker', (group) => {
  let web: AppProcess
  let base: string

  group.setup(async () => {
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    web = startAppProcess('web', {
      HOST: '127.0.0.1',
      PORT: String(port),
      WEB_CONCURRENCY: '2',
      LOG_LEVEL: 'info',
    })
    // Stopped even when it never comes up, so a failed start leaves no process behind.
    try {
      await eventually(
        async () => {
          const live = await fetch(`${base}/health/live`).catch(() => null)
          // Both workers listen once two "started" lines were written.
          return live?.ok && web.lines.filter((l) => l.includes('started HTTP server')).length >= 2
        },
        90_000,
        'two web workers to start'
      )
    } catch (error) {
      await web.stop()
      throw error
    }
    return () => web.stop()
  })

  test('request counts add up across the cluster workers', async ({ assert }) => {
    const before = liveCount(await (await fetch(`${base}/metrics`)).text())
    // New connections each time, so the primary spreads them over both workers.
    for (let i = 0; i < REQUESTS; i++) {
      const response = await fetch(`${base}/health/live`, { headers: { Connection: 'close' } })
      await response.arrayBuffer()
    }
    for (let scrape = 0; scrape < 4; scrape++) {
      const response = await fetch(`${base}/metrics`, { headers: { Connection: 'close' } })
      assert.equal(response.status, 200, await response.clone().text())
      assert.equal(liveCount(await response.text()) - before, REQUESTS)
    }
  }).timeout(60_000)
})
