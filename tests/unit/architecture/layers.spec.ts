import { test } from '@japa/runner'
import { ESLint } from 'eslint'

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax'])

/* The layer messages ESLint gives `code` as if it were the file at `filePath` (eslint.config.js). */
async function layerErrors(eslint: ESLint, filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages
    .filter((message) => message.ruleId !== null && LAYER_RULES.has(message.ruleId))
    .map((message) => message.message)
}

test.group('Layers (eslint.config.js)', (group) => {
  let eslint: ESLint
  group.setup(() => {
    eslint = new ESLint()
  })
  group.each.timeout(30_000)

  test('an upward import fails lint with the rule it breaks', async ({ assert }) => {
    const errors = await layerErrors(
      eslint,
      'app/infrastructure/payouts/upward.ts',
      `import { CreatePayout } from '#actions/payouts/create_payout'\nexport { CreatePayout }\n`
    )
    assert.lengthOf(errors, 1)
    assert.match(errors[0], /infrastructure must not import actions: dependencies point down/)
  })

  test('a dynamic import() upward fails too', async ({ assert }) => {
    const errors = await layerErrors(
      eslint,
      'app/infrastructure/payouts/upward.ts',
      `export const load = () => import('#consumers/payout_worker')\n`
    )
    assert.lengthOf(errors, 1)
    assert.match(errors[0], /infrastructure must not import edges \(consumers\)/)
  })

  test('each layer is held to the layers above it', async ({ assert }) => {
    const cases: [string, string, RegExp][] = [
      [
        'app/domain/x.ts',
        '#infrastructure/rabbitmq/topology',
        /domain, models and exceptions must not import infrastructure/,
      ],
      [
        'app/models/x.ts',
        '#infrastructure/auth/access_tokens_provider',
        /must not import infrastructure/,
      ],
      ['app/exceptions/x.ts', '#exceptions/handler', /must not import the exception handler/],
      [
        'app/transformers/x.ts',
        '#infrastructure/database/direct',
        /transformers must not import infrastructure/,
      ],
      ['app/queries/x.ts', '#actions/payouts/create_payout', /queries must not import actions/],
      [
        'app/actions/x.ts',
        '#controllers/api/payouts_controller',
        /actions must not import edges \(controllers\)/,
      ],
      ['app/actions/x.ts', '#validators/payout', /actions must not import edges \(validators\)/],
      [
        'app/infrastructure/x.ts',
        '#transformers/payout_transformer',
        /infrastructure must not import transformers/,
      ],
      [
        'app/controllers/x.ts',
        '#dev/mock_provider/mock_provider_server',
        /must not import the development tools/,
      ],
      ['app/infrastructure/x.ts', '../actions/payouts/create_payout', /not a relative path/],
    ]
    for (const [filePath, source, expected] of cases) {
      const errors = await layerErrors(eslint, filePath, `import '${source}'\n`)
      assert.lengthOf(errors, 1, `${filePath} importing ${source}`)
      assert.match(errors[0], expected)
    }
  })

  test('imports that point down or stay in the layer pass', async ({ assert }) => {
    const cases: [string, string][] = [
      ['app/infrastructure/x.ts', '#domain/money'],
      ['app/infrastructure/x.ts', '#models/payout'],
      ['app/infrastructure/x.ts', '#config/payouts'],
      ['app/queries/x.ts', '#transformers/payout_transformer'],
      ['app/actions/x.ts', '#queries/payouts/payout_query'],
      ['app/actions/x.ts', '#start/env'],
      ['app/consumers/x.ts', '#actions/payouts/process_payout'],
      ['app/controllers/x.ts', '#validators/payout'],
      ['app/exceptions/handler.ts', '#infrastructure/http/json_endpoints'],
      ['commands/x.ts', '#dev/mock_provider/mock_provider_server'],
    ]
    for (const [filePath, source] of cases) {
      const errors = await layerErrors(eslint, filePath, `import '${source}'\n`)
      assert.deepEqual(errors, [], `${filePath} importing ${source}`)
    }
  })
})
