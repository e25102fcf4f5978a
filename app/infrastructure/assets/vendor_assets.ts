import { packageFiles } from '#infrastructure/assets/package_files'

const chart = packageFiles('chart.js', ['chart.umd.min.js', 'chart.umd.min.js.map'])

/* The transmit client's ES module (build/index.js), served as transmit-client.js. */
const transmitClient = packageFiles('@adonisjs/transmit-client', ['index.js'])

/* Browser libraries the dashboard loads (Chart.js, the live pages' SSE client), from their installed packages. */
export function vendorAssetPath(file: string) {
  return file === 'transmit-client.js' ? transmitClient('index.js') : chart(file)
}
