import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { parse } from 'yaml'

const RULES = 'deploy/prometheus/alerts.yml'
const RULE_TESTS = 'deploy/prometheus/alerts.test.yml'

/* CI installs promtool (Debian's prometheus package); elsewhere its absence only skips. */
const promtoolMissing = spawnSync('promtool', ['--version']).error !== undefined
const mustRun = Boolean(process.env.CI)

function promtool(...args: string[]) {
  const run = spawnSync('promtool', args, { cwd: app.makePath(), encoding: 'utf8' })
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

interface RuleTest {
  alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[]
}

function alertNames(): string[] {
  const rules = parse(readFileSync(app.makePath(RULES), 'utf8')) as {
    groups: { rules: { alert?: string }[] }[]
  }
  return rules.groups.flatMap((group) => group.rules.flatMap((rule) => rule.alert ?? []))
}

test.group('Alert rules | deploy/prometheus/alerts.yml', () => {
  test('promtool check rules accepts them')
    .skip(promtoolMissing && !mustRun, 'promtool is not installed')
    .run(({ assert }) => {
      const { status, output } = promtool('check', 'rules', RULES)
      assert.equal(status, 0, output)
    })

  test('promtool test rules: every unit test passes')
    .skip(promtoolMissing && !mustRun, 'promtool is not installed')
    .run(({ assert }) => {
      const { status, output } = promtool('test', 'rules', RULE_TESTS)
      assert.equal(status, 0, output)
      assert.include(output, 'SUCCESS')
    })

  test('every alert has a unit test where it fires and one where it stays quiet', ({ assert }) => {
    const tests = (parse(readFileSync(app.makePath(RULE_TESTS), 'utf8')) as { tests: RuleTest[] })
      .tests
    const cases = tests.flatMap((item) => item.alert_rule_test ?? [])
    for (const name of alertNames()) {
      const own = cases.filter((item) => item.alertname === name)
      assert.isTrue(
        own.some((item) => item.exp_alerts.length > 0),
        `${name}: no test where it fires`
      )
      assert.isTrue(
        own.some((item) => item.exp_alerts.length === 0),
        `${name}: no test where it stays quiet`
      )
    }
  })

  test('every alert has its runbook entry in docs/runbook.md', ({ assert }) => {
    const runbook = readFileSync(app.makePath('docs/runbook.md'), 'utf8')
    const names = alertNames()
    assert.isAtLeast(names.length, 8)
    for (const name of names) {
      assert.match(runbook, new RegExp(`^### ${name}$`, 'm'), `docs/runbook.md lacks ### ${name}`)
    }
  })
})
