import type { HttpContext } from '@adonisjs/core/http'

export default class HealthController {
  async live() {
    return { status: 'ok' }
  }

  async ready({ response }: HttpContext) {
    return response.status(503).send({ status: 'error' })
  }
}
