import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * Browser libraries served from their installed packages, so the dashboard
 * needs no CDN and nothing is copied into git. Only the files below can be
 * fetched: the name is looked up, never joined into a path as given.
 */
const CHART_JS_DIST = dirname(fileURLToPath(import.meta.resolve('chart.js')))

export const VENDOR_PATH = '/vendor'

const VENDOR_ASSETS = new Map([
  ['chart.umd.min.js', join(CHART_JS_DIST, 'chart.umd.min.js')],
  ['chart.umd.min.js.map', join(CHART_JS_DIST, 'chart.umd.min.js.map')],
])

export function vendorAssetPath(file: string): string | null {
  return VENDOR_ASSETS.get(file) ?? null
}
