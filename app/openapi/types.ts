/*
 * The part of OpenAPI 3.1 this application uses, typed so that a misspelt key
 * in a path file fails the typecheck instead of silently vanishing from the
 * document. Schemas are JSON Schema 2020-12 (3.1 has no `nullable`: use
 * `type: ['string', 'null']`).
 */

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace'

export interface Reference {
  $ref: string
  summary?: string
  description?: string
}

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null'

export interface Schema {
  $ref?: string
  type?: JsonType | JsonType[]
  format?: string
  title?: string
  description?: string
  enum?: readonly (string | number | boolean | null)[]
  const?: string | number | boolean | null
  default?: unknown
  examples?: unknown[]
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  items?: Schema
  minItems?: number
  maxItems?: number
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  oneOf?: Schema[]
  anyOf?: Schema[]
  allOf?: Schema[]
  readOnly?: boolean
  writeOnly?: boolean
}

export interface MediaType {
  schema?: Schema
  example?: unknown
}

export interface Header {
  description?: string
  required?: boolean
  schema: Schema
}

export interface Parameter {
  name: string
  in: 'query' | 'header' | 'path' | 'cookie'
  description?: string
  required?: boolean
  schema: Schema
  example?: unknown
}

export interface RequestBody {
  description?: string
  required?: boolean
  content: Record<string, MediaType>
}

export interface Response {
  description: string
  headers?: Record<string, Header | Reference>
  content?: Record<string, MediaType>
}

export type SecurityRequirement = Record<string, string[]>

export interface Operation {
  operationId: string
  summary: string
  description?: string
  tags?: string[]
  security?: SecurityRequirement[]
  parameters?: (Parameter | Reference)[]
  requestBody?: RequestBody | Reference
  responses: Record<string, Response | Reference>
  deprecated?: boolean
  [extension: `x-${string}`]: unknown
}

export type PathItem = { [method in HttpMethod]?: Operation } & {
  summary?: string
  description?: string
  parameters?: (Parameter | Reference)[]
}

export type Paths = Record<string, PathItem>

export type SecurityScheme =
  | { type: 'http'; scheme: string; bearerFormat?: string; description?: string }
  | { type: 'apiKey'; name: string; in: 'query' | 'header' | 'cookie'; description?: string }

export interface Components {
  schemas?: Record<string, Schema>
  responses?: Record<string, Response>
  parameters?: Record<string, Parameter>
  headers?: Record<string, Header>
  requestBodies?: Record<string, RequestBody>
  securitySchemes?: Record<string, SecurityScheme>
}

export interface Tag {
  name: string
  description?: string
}

export interface OpenApiDocument {
  openapi: `3.1.${number}`
  info: { title: string; version: string; description?: string }
  jsonSchemaDialect?: string
  servers?: { url: string; description?: string }[]
  tags?: Tag[]
  paths: Paths
  components: Components
  security?: SecurityRequirement[]
}

/*
 * What one feature contributes: its paths, the schemas they reference and
 * its tag. `app/openapi/document.ts` merges every section into one document.
 */
export interface OpenApiSection {
  tag?: Tag
  paths: Paths
  schemas?: Record<string, Schema>
}
