import { createServer, type Server } from 'node:http'
import { metricsRegistry } from '#infrastructure/metrics/registry'

/* An extra GET route (the worker's health probes): a status and a JSON body. */
export type JsonRoute = () => Promise<{ status: number; body: Record<string, unknown> }>

/*
 * A bare HTTP server exposing /metrics for processes that are not the web
 * server (the worker), plus the JSON `routes` given. Anything else is a 404.
 */
export async function startMetricsServer(
  port: number,
  host = '127.0.0.1',
  routes: Record<string, JsonRoute> = {}
): Promise<Server> {
  const server = createServer(async (request, response) => {
    const path = request.url?.split('?')[0] ?? ''
    const route = request.method === 'GET' ? Object.hasOwn(routes, path) && routes[path] : undefined
    if (route) {
      const { status, body } = await route().catch((error: Error) => ({
        status: 500,
        body: { status: 'error', message: error.message },
      }))
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      return
    }
    if (request.method !== 'GET' || path !== '/metrics') {
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
