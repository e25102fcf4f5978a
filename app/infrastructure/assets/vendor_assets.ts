import { packageFiles } from '#infrastructure/assets/package_files'

export const VENDOR_PATH = '/vendor'

/* Browser libraries the dashboard loads (Chart.js), from their installed packages. */
export const vendorAssetPath = packageFiles('chart.js', [
  'chart.umd.min.js',
  'chart.umd.min.js.map',
])
