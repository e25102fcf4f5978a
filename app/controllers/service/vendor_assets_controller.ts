import type { HttpContext } from '@adonisjs/core/http'
import { vendorAssetPath } from '#infrastructure/assets/vendor_assets'
import { NotFoundException } from '#exceptions/business_refusal'

export default class VendorAssetsController {
  /* GET /vendor/:file — allowlisted browser libraries (Chart.js), from node_modules. */
  async show({ params, response }: HttpContext) {
    const path = vendorAssetPath(String(params.file))
    if (!path) throw new NotFoundException()
    response.header('Cache-Control', 'public, max-age=3600')
    return response.download(path, true)
  }
}
