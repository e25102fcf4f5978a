import { assert } from '@japa/assert'
import { apiClient } from '@japa/api-client'
import app from '@adonisjs/core/services/app'
import type { Config } from '@japa/runner/types'
import { pluginAdonisJS } from '@japa/plugin-adonisjs'
import testUtils from '@adonisjs/core/services/test_utils'
import { authApiClient } from '@adonisjs/auth/plugins/api_client'
import { sessionApiClient } from '@adonisjs/session/plugins/api_client'
import { shieldApiClient } from '@adonisjs/shield/plugins/api_client'
import { browserClient } from '@japa/browser-client'
import { chromium } from 'playwright'
import { sessionBrowserClient } from '@adonisjs/session/plugins/browser_client'
import { authBrowserClient } from '@adonisjs/auth/plugins/browser_client'
import { spec } from '@japa/runner/reporters'
import { summaryReporter } from '#tests/reporters/summary_reporter'

/* The server listens on HOST (0.0.0.0); browsers reach it, and keep its cookies, as localhost. */
const browserBaseUrl = `http://localhost:${process.env.PORT}`

export const plugins: Config['plugins'] = [
  assert(),
  pluginAdonisJS(app, { baseURL: browserBaseUrl }),
  apiClient(),
  sessionApiClient(app),
  authApiClient(app),
  shieldApiClient(),
  browserClient({
    runInSuites: ['browser'],
    contextOptions: { baseURL: browserBaseUrl },
    launcher: (options) =>
      chromium.launch({
        ...options,
        executablePath: '/usr/bin/chromium',
        args: [
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
          '--no-sandbox',
          '--disable-gpu',
        ],
        headless: true,
      }),
  }),
  sessionBrowserClient(app),
  authBrowserClient(app),
]

/* `summary` writes tmp/test-summary.json for .ci/run's last line. */
export const reporters: Config['reporters'] = {
  activated: ['spec', 'summary'],
  list: [spec(), summaryReporter()],
}

export const runnerHooks: Required<Pick<Config, 'setup' | 'teardown'>> = {
  setup: [],
  teardown: [],
}

export const configureSuite: Config['configureSuite'] = (suite) => {
  if (['browser', 'functional'].includes(suite.name)) {
    return suite.setup(() => testUtils.httpServer().start())
  }
}
