import { defineConfig } from '@adonisjs/core/bodyparser'

/* Content types read as JSON, by app/middleware/json_body_middleware.ts. */
export const JSON_TYPES = ['application/json', 'application/*+json']

export default defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: {
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    types: ['application/x-www-form-urlencoded'],
  },
  /*
   * JSON bodies arrive as text (the raw parser) and are parsed by
   * json_body_middleware: the framework's parser would recurse into, and
   * deep-clone, a body of any depth before anything could refuse it. The
   * API keeps what the client sent: no trimming, an empty string is not null.
   */
  json: {
    convertEmptyStringsToNull: false,
    trimWhitespaces: false,
    limit: '1mb',
    types: [],
  },
  raw: {
    encoding: 'utf-8',
    limit: '1mb',
    types: [...JSON_TYPES, 'text/*'],
  },
  multipart: {
    autoProcess: false,
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    processManually: [],
    limit: '5mb',
    types: ['multipart/form-data'],
  },
})
