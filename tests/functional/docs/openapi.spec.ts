import { test } from '@japa/runner'
import router from '@adonisjs/core/services/router'
import { buildOpenApiDocument, openApiDocument } from '#openapi/document'
import type { HttpMethod, OpenApiDocument, Operation, Parameter, Response } from '#openapi/types'
import { meSection } from '#openapi/paths/me'

const HTTP_METHODS: readonly HttpMethod[] = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
]

type Doc = OpenApiDocument & Record<string, unknown>

/* `/api/v1/accounts/:id` → `/api/v1/accounts/{id}` */
function toOpenApiPath(pattern: string) {
  return pattern.replace(/:(\w+)\??/g, '{$1}').replace(/\/\*$/, '/{wildcard}')
}

/* Every (method, path) the router serves under /api/v1; HEAD comes with GET. */
function registeredApiRoutes() {
  router.commit()
  return Object.values(router.toJSON())
    .flat()
    .filter((route) => route.pattern.startsWith('/api/v1'))
    .flatMap((route) =>
      route.methods
        .filter((method) => method !== 'HEAD')
        .map((method) => `${method.toLowerCase()} ${toOpenApiPath(route.pattern)}`)
    )
}

function documentedOperations(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => item[method]).map((method) => ({
      key: `${method} ${path}`,
      path,
      item,
      operation: item[method]!,
    }))
  )
}

/* Follows a local `#/a/b` JSON pointer; undefined when it leads nowhere. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>(
      (node, part) =>
        node && typeof node === 'object' && Object.hasOwn(node, part)
          ? (node as Record<string, unknown>)[part]
          : undefined,
      doc
    )
}

function collectRefs(node: unknown, at = '#', found: { at: string; ref: string }[] = []) {
  if (Array.isArray(node))
    node.forEach((child, index) => collectRefs(child, `${at}/${index}`, found))
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push({ at, ref: value })
      else collectRefs(value, `${at}/${key}`, found)
    }
  }
  return found
}

function deref<T>(doc: unknown, value: T | { $ref: string }): T {
  return '$ref' in (value as object)
    ? (resolvePointer(doc, (value as { $ref: string }).$ref) as T)
    : (value as T)
}

test.group('OpenAPI | the document covers the router', () => {
  test('every registered /api/v1 route is documented', ({ assert }) => {
    const routes = registeredApiRoutes()
    const documented = new Set(documentedOperations(openApiDocument).map(({ key }) => key))

    assert.include(routes, 'get /api/v1/me')
    const missing = routes.filter((route) => !documented.has(route))
    assert.deepEqual(missing, [], `add these routes to app/openapi/paths/: ${missing.join(', ')}`)
  })

  test('every documented /api/v1 operation is a registered route', ({ assert }) => {
    const routes = new Set(registeredApiRoutes())
    const extra = documentedOperations(openApiDocument)
      .filter(({ path, key }) => path.startsWith('/api/v1') && !routes.has(key))
      .map(({ key }) => key)

    assert.deepEqual(extra, [], `documented but not routed: ${extra.join(', ')}`)
  })

  test('the service endpoints are documented', ({ assert }) => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/openapi.json', '/docs']) {
      assert.properties(openApiDocument.paths, [path])
      assert.deepEqual(openApiDocument.paths[path].get?.security, [], `${path} is public`)
    }
  })
})

test.group('OpenAPI | the document is structurally valid 3.1', () => {
  test('version, info and the shared components', ({ assert }) => {
    const doc = openApiDocument as Doc
    assert.match(doc.openapi, /^3\.1\.\d+$/)
    assert.isNotEmpty(doc.info.title)
    assert.isNotEmpty(doc.info.version)
    assert.properties(doc.components.schemas, ['Error', 'ErrorEntry', 'ListMeta'])
    assert.properties(doc.components.parameters, ['IdempotencyKey', 'Limit', 'Cursor'])
    assert.deepInclude(doc.components.securitySchemes, {
      bearer: doc.components.securitySchemes!.bearer,
    })
    assert.equal(doc.components.securitySchemes!.bearer.type, 'http')
  })

  test('every $ref resolves', ({ assert }) => {
    const refs = collectRefs(openApiDocument)
    assert.isAbove(refs.length, 0)
    const broken = refs.filter(({ ref }) => resolvePointer(openApiDocument, ref) === undefined)
    assert.deepEqual(broken, [])
  })

  test('every operation has an id, responses with descriptions, and known tags', ({ assert }) => {
    const tags = new Set((openApiDocument.tags ?? []).map((tag) => tag.name))
    const ids = new Set<string>()
    for (const { key, operation } of documentedOperations(openApiDocument)) {
      assert.isNotEmpty(operation.operationId, key)
      assert.isFalse(ids.has(operation.operationId), `duplicate operationId in ${key}`)
      ids.add(operation.operationId)
      assert.isNotEmpty(Object.keys(operation.responses), `${key} has no responses`)
      for (const [status, response] of Object.entries(operation.responses)) {
        assert.match(status, /^([1-5][0-9][0-9]|[1-5]XX|default)$/, key)
        assert.isNotEmpty(
          deref<Response>(openApiDocument, response)?.description,
          `${key} ${status}`
        )
      }
      for (const tag of operation.tags ?? []) assert.isTrue(tags.has(tag), `${key}: tag ${tag}`)
    }
  })

  test('every path template parameter is declared as a required path parameter', ({ assert }) => {
    for (const { key, item, operation } of documentedOperations(openApiDocument)) {
      const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map((parameter) => deref<Parameter>(openApiDocument, parameter))
        .filter((parameter) => parameter.in === 'path')
      const templated = [...key.matchAll(/\{(\w+)\}/g)].map((match) => match[1])
      assert.sameMembers(
        declared.map((parameter) => parameter.name),
        templated,
        key
      )
      for (const parameter of declared)
        assert.isTrue(parameter.required, `${key} ${parameter.name}`)
    }
  })

  test('API operations need the bearer scheme and answer 401 in the error format', ({ assert }) => {
    const schemes = Object.keys(openApiDocument.components.securitySchemes ?? {})
    for (const { key, path, operation } of documentedOperations(openApiDocument)) {
      for (const requirement of operation.security ?? []) {
        for (const name of Object.keys(requirement)) assert.include(schemes, name, key)
      }
      if (!path.startsWith('/api/')) continue
      assert.deepEqual(operation.security, [{ bearer: [] }], key)
      const unauthorized = deref<Response>(openApiDocument, operation.responses['401'])
      assert.deepEqual(
        unauthorized?.content?.['application/json']?.schema,
        { $ref: '#/components/schemas/Error' },
        key
      )
    }
  })

  test('POST, PATCH and DELETE operations accept an Idempotency-Key', ({ assert }) => {
    const mutations = documentedOperations(openApiDocument).filter(
      ({ path, key }) => path.startsWith('/api/') && /^(post|patch|delete) /.test(key)
    )
    for (const { key, operation } of mutations) {
      assert.deepInclude(
        operation.parameters ?? [],
        { $ref: '#/components/parameters/IdempotencyKey' },
        key
      )
    }
  })

  test('a path described by two sections is refused', ({ assert }) => {
    assert.throws(() => buildOpenApiDocument([meSection, meSection]), /defined twice|two sections/)
  })
})

test.group('OpenAPI | GET /openapi.json', () => {
  test('serves the document as JSON without a token', async ({ client, assert }) => {
    const response = await client.get('/openapi.json')

    response.assertStatus(200)
    assert.match(String(response.header('content-type')), /^application\/json/)
    assert.deepEqual(response.body(), JSON.parse(JSON.stringify(openApiDocument)))
  })

  test('the me operation documents 200 and 401', ({ assert }) => {
    const operation = openApiDocument.paths['/api/v1/me'].get as Operation
    assert.properties(operation.responses, ['200', '401'])
  })
})
