import { test } from '@japa/runner'
import type { Page } from 'playwright'
import { UserFactory } from '#database/factories/user_factory'
import { DeadLetterFactory } from '#database/factories/dead_letter_factory'
import { eventually } from '#tests/support/eventually'

const CHARTS = ['throughput', 'latency', 'retries', 'queues']

/* Browser-side expressions are strings: the project's TypeScript has no DOM library. */
const REFRESH_COUNT = `Number(document.querySelector('[data-monitoring]').getAttribute('data-refresh-count') || 0)`

function refreshCount(page: Page) {
  return page.evaluate<number>(REFRESH_COUNT)
}

/*
 * Polls an expression with page.evaluate: page.waitForFunction would compile it
 * with eval in the page, which the Content-Security-Policy forbids.
 */
function until(page: Page, expression: string, timeoutMs = 8000) {
  return eventually(() => page.evaluate<boolean>(expression), timeoutMs, expression)
}

function refreshedSince(page: Page, before: number) {
  return until(page, `${REFRESH_COUNT} > ${before}`)
}

function setVisibility(page: Page, state: 'hidden' | 'visible') {
  return page.evaluate(`
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${state}' })
    document.dispatchEvent(new Event('visibilitychange'))
  `)
}

test.group('Browser: metrics', () => {
  test('the metrics page draws its charts with the locally served Chart.js', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    await browserContext.loginAs(viewer)
    const requested: string[] = []
    browserContext.on('request', (request) => requested.push(request.url()))

    const page = await visit('/monitoring')
    await until(page, `typeof window.Chart === 'function'`)
    const charts = await page.evaluate<
      { name: string; type: string | null; points: number; width: number }[]
    >(`Array.from(document.querySelectorAll('canvas[data-chart]')).map((canvas) => {
      const chart = window.Chart.getChart(canvas)
      return {
        name: canvas.getAttribute('data-chart'),
        type: chart ? chart.config.type : null,
        points: chart ? chart.data.labels.length : 0,
        width: canvas.width,
      }
    })`)
    assert.deepEqual(
      charts.map((chart) => chart.name),
      CHARTS
    )
    for (const chart of charts) {
      assert.isNotNull(chart.type, chart.name)
      assert.isAbove(chart.width, 0, chart.name)
      assert.isAbove(chart.points, 0, chart.name)
    }
    assert.equal(charts.find((chart) => chart.name === 'throughput')!.points, 60)
    const origins = new Set(requested.map((url) => new URL(url).origin))
    assert.deepEqual([...origins], [`http://localhost:${process.env.PORT}`])
    assert.isTrue(requested.some((url) => url.endsWith('/vendor/chart.umd.min.js')))
  })

  test('auto-refresh updates the figures every 5 s, stops when switched off or hidden', async ({
    visit,
    browserContext,
    assert,
  }) => {
    const viewer = await UserFactory.apply('viewer').create()
    await browserContext.loginAs(viewer)
    const page = await visit('/monitoring')
    const root = page.locator('[data-monitoring]')
    const openLetters = page.locator('[data-metric="dead_letters.open"]')
    await page.waitForSelector('[data-monitoring][data-refresh="on"]', { state: 'attached' })
    const shown = Number(await openLetters.innerText())

    // A new open dead letter appears on the next refresh, without a reload.
    await DeadLetterFactory.create()
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/monitoring/data'), {
      timeout: 8000,
    })
    await refreshed
    await until(
      page,
      `document.querySelector('[data-metric="dead_letters.open"]').textContent === '${shown + 1}'`
    )
    assert.isAtLeast(await refreshCount(page), 1)

    // Switched off: no more requests.
    const toggle = page.getByLabel('Auto-refresh every 5 s')
    const sw = page.locator('label.switch')
    await sw.click()
    assert.isFalse(await toggle.isChecked())
    assert.equal(await root.getAttribute('data-refresh'), 'off')
    await page.assertTextContains('[data-refresh-status]', 'paused')
    const whenOff = await refreshCount(page)
    let requests = 0
    const count = (request: { url(): string }) => {
      if (request.url().endsWith('/monitoring/data')) requests += 1
    }
    page.on('request', count)
    await page.waitForTimeout(6000)
    assert.equal(requests, 0)
    assert.equal(await refreshCount(page), whenOff)

    // Switched on again: refreshes at once.
    await sw.click()
    assert.isTrue(await toggle.isChecked())
    await refreshedSince(page, whenOff)
    await page.assertTextContains('[data-refresh-status]', 'Updated')

    // A hidden tab pauses it; visible again resumes.
    await setVisibility(page, 'hidden')
    assert.equal(await root.getAttribute('data-refresh'), 'hidden')
    await page.assertTextContains('[data-refresh-status]', 'hidden')
    const whenHidden = await refreshCount(page)
    requests = 0
    await page.waitForTimeout(5500)
    assert.equal(requests, 0)
    await setVisibility(page, 'visible')
    await refreshedSince(page, whenHidden)
    page.off('request', count)
  })
})
