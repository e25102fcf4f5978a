import { openApiDocument } from '#openapi/document'

/*
 * The operations of the OpenAPI document, as the fuzz test needs them: the
 * path template, its path and query parameter names, and the body's fields.
 */
export interface FuzzOperation {
  method: string
  template: string
  pathParams: string[]
  queryParams: string[]
  bodyFields: string[]
  requiredFields: string[]
}

type Json = Record<string, any>

function resolve(node: Json | undefined): Json | undefined {
  if (!node || typeof node.$ref !== 'string') return node
  const [, , section, name] = node.$ref.split('/')
  return resolve((openApiDocument.components as Json)[section]?.[name])
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete']

export function fuzzOperations(): FuzzOperation[] {
  const operations: FuzzOperation[] = []
  for (const [template, item] of Object.entries(openApiDocument.paths as Json)) {
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined
      if (!operation) continue
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map((parameter: Json) => resolve(parameter)!)
        .filter(Boolean)
      const schema = resolve(resolve(operation.requestBody)?.content?.['application/json']?.schema)
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]),
        queryParams: parameters
          .filter((parameter: Json) => parameter.in === 'query')
          .map((parameter: Json) => parameter.name),
        bodyFields: Object.keys(schema?.properties ?? {}),
        requiredFields: schema?.required ?? [],
      })
    }
  }
  return operations
}
