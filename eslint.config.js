import { configApp } from '@adonisjs/eslint-config'

export default configApp(
  { ignores: ['public/**', 'build/**', 'tmp/**', '.adonisjs/**'] },
  {
    // Tests and benchmarks read responses inline: `(await client.get(url)).body()`.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@unicorn/no-await-expression-member': 'off' },
  }
)
