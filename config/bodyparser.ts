import { defineConfig } from '@adonisjs/core/bodyparser'

export default defineConfig({
  allowedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  form: {
    convertEmptyStringsToNull: true,
    trimWhitespaces: true,
    types: ['application/x-www-form-urlencoded'],
  },
  json: {
    /* The API keeps what the client sent: an empty string is not null, spaces are data. */
    convertEmptyStringsToNull: false,
    trimWhitespaces: false,
    limit: '1mb',
    types: ['application/json', 'application/*+json'],
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
