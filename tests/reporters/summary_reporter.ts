/*
 * Writes the run's real counts to tmp/test-summary.json, so `.ci/run` can end
 * with one `N passed, N failed` line without parsing the spec reporter's
 * colored output. Registered next to `spec` in tests/bootstrap.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { BaseReporter } from '@japa/runner/core'
import type { NamedReporterContract } from '@japa/runner/types'

/* A sharded run (scripts/test.ts) gives each shard a file of its own and adds them up. */
export const SUMMARY_FILE = process.env.TEST_SUMMARY_FILE
  ? new URL(process.env.TEST_SUMMARY_FILE, `file://${process.cwd()}/`)
  : new URL('../../tmp/test-summary.json', import.meta.url)

export interface TestSummary {
  passed: number
  failed: number
  skipped: number
  todo: number
  total: number
  has_error: boolean
  failed_tests: string[]
  duration_ms: number
}

class SummaryReporter extends BaseReporter {
  protected async end() {
    const summary = this.runner!.getSummary()
    const { passed, failed, regression, skipped, todo, total } = summary.aggregates
    const report: TestSummary = {
      // A test marked `.fails()` that failed as expected is a pass.
      passed: passed + regression,
      // A failing hook (suite or group setup) fails the run without failing a
      // test; count it so the summary never says "0 failed" on a red run.
      failed: failed === 0 && summary.hasError ? 1 : failed,
      skipped,
      todo,
      total,
      has_error: summary.hasError,
      failed_tests: summary.failedTestsTitles,
      duration_ms: Math.round(summary.duration),
    }
    mkdirSync(new URL('./', SUMMARY_FILE), { recursive: true })
    writeFileSync(SUMMARY_FILE, `${JSON.stringify(report, null, 2)}\n`)
  }
}

export function summaryReporter(): NamedReporterContract {
  return {
    name: 'summary',
    handler: (...args) => new SummaryReporter().boot(...args),
  }
}
