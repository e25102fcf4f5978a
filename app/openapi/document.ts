import { sharedComponents } from '#openapi/components'
import { serviceSection } from '#openapi/paths/service'
import { meSection } from '#openapi/paths/me'
import { accountsSection } from '#openapi/paths/accounts'
import { payoutsSection } from '#openapi/paths/payouts'
import { deadLettersSection } from '#openapi/paths/dead_letters'
import { webhooksSection } from '#openapi/paths/webhooks'
import type { OpenApiDocument, OpenApiSection, Paths, Schema, Tag } from '#openapi/types'

/*
 * The OpenAPI 3.1 document served at /openapi.json. A feature describes its
 * routes in `app/openapi/paths/<feature>.ts` (one exported OpenApiSection)
 * and is listed here; tests/functional/docs fails when an /api/v1 route is
 * missing from the document.
 */
export const SECTIONS: OpenApiSection[] = [
  serviceSection,
  meSection,
  accountsSection,
  payoutsSection,
  deadLettersSection,
  webhooksSection,
]

export function buildOpenApiDocument(sections: OpenApiSection[] = SECTIONS): OpenApiDocument {
  const paths: Paths = {}
  const schemas: Record<string, Schema> = { ...sharedComponents.schemas }
  const tags: Tag[] = []

  for (const section of sections) {
    if (section.tag) tags.push(section.tag)
    for (const [name, schema] of Object.entries(section.schemas ?? {})) {
      if (schemas[name]) throw new Error(`OpenAPI schema "${name}" is defined twice`)
      schemas[name] = schema
    }
    for (const [path, item] of Object.entries(section.paths)) {
      if (paths[path]) throw new Error(`OpenAPI path "${path}" is described in two sections`)
      paths[path] = item
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Payouts API',
      version: '1.0.0',
      description:
        'Accounts, ledger and payouts. JSON under `/api/v1` with Bearer access tokens; ' +
        'snake_case fields, ISO 8601 UTC timestamps, money as decimal strings. Every error is ' +
        '`{"errors": [{code, message, field?, rule?}]}`. Every response carries `X-Request-Id` ' +
        '(a sane incoming one is kept), which also tags the server logs.',
    },
    tags,
    paths,
    components: { ...sharedComponents, schemas },
  }
}

export const openApiDocument = buildOpenApiDocument()
