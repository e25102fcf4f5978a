/* Paths that only ever answer JSON: no page is rendered for them, errors included. */
const JSON_PREFIXES = ['/api/', '/webhooks/', '/health/']

export function isJsonEndpoint(url: string) {
  return JSON_PREFIXES.some((prefix) => url.startsWith(prefix))
}
