import type { ServerResponse } from 'node:http'

/*
 * The server-sent event streams this process holds open. They never end on
 * their own, so the HTTP server's graceful close would wait for them until
 * the shutdown grace ran out: at shutdown they are ended first, and the
 * browsers reconnect to another web process.
 */
const open = new Set<ServerResponse>()

export function trackStream(response: ServerResponse) {
  open.add(response)
  response.once('close', () => open.delete(response))
}

export function endStreams() {
  for (const response of open) response.end()
  open.clear()
}
