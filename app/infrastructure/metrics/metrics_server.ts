import { createServer, type Server } from 'node:http'
import { metricsRegistry } from '#infrastructure/metrics/registry'

/*
 * A bare HTTP server exposing /metrics for processes that are not the web
 * server (the worker). Anything else is a 404.
 */
export async function startMetricsServer(port: number, host = '0.0.0.0'): Promise<Server> {
  const server = createServer(async (request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    try {
      const body = await metricsRegistry.metrics()
      response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body)
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return server
}
