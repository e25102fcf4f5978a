import type { HttpContext } from '@adonisjs/core/http'
import { openApiDocument } from '#openapi/document'
import { INITIALIZER, swaggerAssetPath, swaggerInitializer, swaggerPage } from '#openapi/swagger_ui'
import { NotFoundException } from '#exceptions/business_refusal'

export default class DocsController {
  /* GET /openapi.json */
  async openapi() {
    return openApiDocument
  }

  /* GET /docs — Swagger UI on /openapi.json. */
  async ui({ response }: HttpContext) {
    response.header('Content-Type', 'text/html; charset=utf-8')
    return swaggerPage(`${openApiDocument.info.title} — Swagger UI`)
  }

  /* GET /docs/assets/:file — Swagger UI's own files, from node_modules. */
  async asset({ params, response }: HttpContext) {
    response.header('Cache-Control', 'public, max-age=3600')
    if (params.file === INITIALIZER) {
      response.header('Content-Type', 'text/javascript; charset=utf-8')
      return swaggerInitializer('/openapi.json')
    }
    const path = swaggerAssetPath(String(params.file))
    if (!path) throw new NotFoundException()
    return response.download(path, true)
  }
}
