import { defineConfig } from '@adonisjs/shield'

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
  xFrame: { enabled: true, action: 'DENY' },
  hsts: { enabled: true, maxAge: '180 days' },
  contentTypeSniffing: { enabled: true },
})

export default shieldConfig
