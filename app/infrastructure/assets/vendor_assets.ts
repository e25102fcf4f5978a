import { packageFiles } from '#infrastructure/assets/package_files'

/* Browser libraries the dashboard loads (Chart.js), from their installed packages. */
export const vendorAssetPath = packageFiles('chart.js', [
  'chart.umd.min.js',
  'chart.umd.min.js.map',
])
