import { configApp } from '@adonisjs/eslint-config'

/*
 * Layers (docs/architecture.md), top to bottom; imports point down only:
 *
 *   edges           start/ commands/ providers/ config/ app/controllers app/middleware
 *                   app/consumers app/exceptions/handler.ts app/validators app/openapi app/abilities
 *   actions         app/actions (use cases)
 *   queries         app/queries (reads; may use transformers)   transformers: app/transformers
 *   infrastructure  app/infrastructure (one home per table and per outside system)
 *   bottom          app/domain app/models app/exceptions
 *
 * Configuration (`#config/*`, `#start/env`) is readable from every layer above the bottom.
 * Each layer gets ONE `no-restricted-imports` entry (a later flat-config entry for the same
 * file would replace an earlier one, not add to it); dynamic `import()` is checked by
 * `no-restricted-syntax` with the same list. tests/unit/architecture/layers.spec.ts proves
 * the rule bites.
 */
const WHY =
  'dependencies point down (edges → actions → queries/transformers → infrastructure → domain/models/exceptions); move the shared code down or call it from above'

/* Import sources by what they are; a regex on the `#alias/...` specifier. */
const TARGETS = {
  'edges (controllers)': '^#controllers/',
  'edges (middleware)': '^#middleware/',
  'edges (consumers)': '^#consumers/',
  'edges (validators)': '^#validators/',
  'edges (openapi)': '^#openapi/',
  'edges (abilities)': '^#abilities/',
  'edges (commands)': '^#commands/',
  'edges (providers)': '^#providers/',
  'edges (start)': '^#start/(?!env$)',
  'the exception handler (an edge)': '^#exceptions/handler$',
  'actions': '^#actions/',
  'queries': '^#queries/',
  'transformers': '^#transformers/',
  'infrastructure': '^#infrastructure/',
  'configuration': '^#(config/|start/env$)',
}
const EDGES = Object.keys(TARGETS).filter(
  (name) => name.startsWith('edges') || name.includes('handler')
)

/* Outside the application: never imported by it. */
const OUTSIDE = {
  'tests': '^#tests/',
  'the development tools in dev/': '^#dev/',
  'database/ (migrations, seeders, factories)': '^#database/',
}

const LAYERS = [
  {
    name: 'app edges',
    files: [
      'app/controllers/**/*.ts',
      'app/middleware/**/*.ts',
      'app/consumers/**/*.ts',
      'app/exceptions/handler.ts',
      'app/validators/**/*.ts',
      'app/openapi/**/*.ts',
      'app/abilities/**/*.ts',
    ],
    forbidden: Object.keys(OUTSIDE),
  },
  {
    name: 'start, providers and config',
    files: ['start/**/*.ts', 'providers/**/*.ts', 'config/**/*.ts'],
    forbidden: Object.keys(OUTSIDE),
  },
  { name: 'commands', files: ['commands/**/*.ts'], forbidden: ['tests'] },
  {
    name: 'actions',
    files: ['app/actions/**/*.ts'],
    forbidden: [...EDGES, ...Object.keys(OUTSIDE)],
  },
  {
    name: 'queries',
    files: ['app/queries/**/*.ts'],
    forbidden: [...EDGES, 'actions', ...Object.keys(OUTSIDE)],
  },
  {
    name: 'transformers',
    files: ['app/transformers/**/*.ts'],
    forbidden: [
      ...EDGES,
      'actions',
      'queries',
      'infrastructure',
      'configuration',
      ...Object.keys(OUTSIDE),
    ],
  },
  {
    name: 'infrastructure',
    files: ['app/infrastructure/**/*.ts'],
    forbidden: [...EDGES, 'actions', 'queries', 'transformers', ...Object.keys(OUTSIDE)],
  },
  {
    name: 'domain, models and exceptions',
    files: ['app/domain/**/*.ts', 'app/models/**/*.ts', 'app/exceptions/**/*.ts'],
    ignores: ['app/exceptions/handler.ts'],
    forbidden: [
      ...EDGES,
      'actions',
      'queries',
      'transformers',
      'infrastructure',
      'configuration',
      ...Object.keys(OUTSIDE),
    ],
  },
]

const SOURCES = { ...TARGETS, ...OUTSIDE }

/* Relative paths that climb out of a folder bypass the aliases above: use `#alias/...`. */
const RELATIVE_ESCAPE = '^\\.\\./'

function layerRules({ name, forbidden }) {
  const entries = forbidden.map((target) => ({
    regex: SOURCES[target],
    message: `${name} must not import ${target}: ${WHY}.`,
  }))
  entries.push({
    regex: RELATIVE_ESCAPE,
    message: `${name}: import through a \`#alias/...\` path, not a relative path out of the folder.`,
  })
  return {
    'no-restricted-imports': ['error', { patterns: entries }],
    'no-restricted-syntax': [
      'error',
      ...entries.map(({ regex, message }) => ({
        // esquery regexes cannot contain "/": "." stands in for it.
        selector: `ImportExpression[source.value=/${regex.replaceAll('/', '.')}/]`,
        message,
      })),
    ],
  }
}

export default configApp(
  { ignores: ['public/**', 'build/**', 'tmp/**', '.adonisjs/**'] },
  {
    // Tests and benchmarks read responses inline: `(await client.get(url)).body()`.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@unicorn/no-await-expression-member': 'off' },
  },
  ...LAYERS.map((layer) => ({
    name: `layers/${layer.name}`,
    files: layer.files,
    ...(layer.ignores ? { ignores: layer.ignores } : {}),
    rules: layerRules(layer),
  }))
)
