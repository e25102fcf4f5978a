import { defineConfig } from '@adonisjs/shield'

/*
 * Shield runs on dashboard routes only, for CSRF. The Content-Security-Policy,
 * nosniff, frame and HSTS headers go on every answer (pages, /docs, the API,
 * error pages) from app/middleware/security_headers_middleware.ts instead.
 */
const shieldConfig = defineConfig({
  csp: {
    enabled: false,
    directives: {},
    reportOnly: false,
  },
  csrf: {
    enabled: true,
    /*
     * The JSON API authenticates with Bearer tokens (no cookies), and provider
     * webhooks are signed: neither is exposed to cross-site request forgery.
     */
    exceptRoutes: (ctx) =>
      ctx.request.url().startsWith('/api/') || ctx.request.url().startsWith('/webhooks/'),
    enableXsrfCookie: false,
    methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  },
  xFrame: { enabled: false },
  hsts: { enabled: false },
  contentTypeSniffing: { enabled: false },
})

export default shieldConfig
