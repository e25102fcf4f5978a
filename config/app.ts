import type { IncomingMessage, ServerResponse } from 'node:http'
import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig } from '@adonisjs/core/http'
import securityConfig, { proxyTrust } from '#config/security'

export const appUrl = env.get('APP_URL', `http://localhost:${env.get('PORT')}`)

export const http = defineConfig({
  /* Every request gets an id; an incoming X-Request-Id is kept (see request_id middleware). */
  generateRequestId: true,
  /* Edge forms send DELETE/PATCH as POST with ?_method= */
  allowMethodSpoofing: true,
  useAsyncLocalStorage: false,
  /* X-Forwarded-For is believed only from TRUSTED_PROXIES (default: loopback). */
  trustProxy: proxyTrust(securityConfig.trustedProxies),
  /* A URL that is not valid percent-encoding never reaches the router: answer in the API's format. */
  onBadUrl: (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(400, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    response.end(
      JSON.stringify({
        errors: [{ code: 'E_BAD_REQUEST', message: 'The URL is not valid percent-encoding' }],
      })
    )
  },
  cookie: {
    domain: '',
    path: '/',
    maxAge: '2h',
    httpOnly: true,
    secure: app.inProduction,
    sameSite: 'lax',
  },
})
