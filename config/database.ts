import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/lucid'

const dbConfig = defineConfig({
  connection: 'postgres',
  prettyPrintDebugQueries: false,
  connections: {
    postgres: {
      client: 'pg',
      connection: {
        host: env.get('DB_HOST', '127.0.0.1'),
        port: env.get('DB_PORT', 5432),
        user: env.get('DB_USER', 'postgres'),
        password: env.get('DB_PASSWORD', ''),
        database: env.get('DB_DATABASE', 'payouts'),
      },
      // Small on purpose (see .env.example): extra connections only queue inside PostgreSQL.
      pool: { min: 0, max: env.get('DB_POOL_MAX', 5) },
      migrations: {
        naturalSort: true,
        paths: ['database/migrations'],
      },
      seeders: { paths: ['database/seeders'] },
      /* Models declare their columns by hand: money columns need bigint conversion. */
      schemaGeneration: { enabled: false },
      debug: app.inDev && env.get('LOG_LEVEL') === 'trace',
    },
  },
})

export default dbConfig
