/*
 * HTTP kernel: the error handler and the middleware stacks.
 */
import router from '@adonisjs/core/services/router'
import server from '@adonisjs/core/services/server'

server.errorHandler(() => import('#exceptions/handler'))

/* Run on every request, routed or not. */
server.use([
  () => import('#middleware/security_headers_middleware'),
  () => import('#middleware/method_spoofing_guard_middleware'),
  () => import('#middleware/request_id_middleware'),
  () => import('#middleware/http_metrics_middleware'),
  () => import('#middleware/container_bindings_middleware'),
  () => import('#middleware/public_files_middleware'),
])

/* Run on every request that matched a route. */
router.use([
  () => import('@adonisjs/core/bodyparser_middleware'),
  // JSON bodies come as text (config/bodyparser.ts): depth-checked, then parsed with exact numbers.
  () => import('#middleware/json_body_middleware'),
  // Again once the body is parsed: a non-string `_method` in it would make shield throw.
  () => import('#middleware/method_spoofing_guard_middleware'),
  () => import('#middleware/initialize_auth_middleware'),
  () => import('#middleware/initialize_bouncer_middleware'),
])

/*
 * Assigned per route or group in start/routes.ts. Session and CSRF protection
 * belong to the dashboard only: the API and service endpoints stay cookie-free.
 */
export const middleware = router.named({
  session: () => import('@adonisjs/session/session_middleware'),
  shield: () => import('@adonisjs/shield/shield_middleware'),
  guest: () => import('#middleware/guest_middleware'),
  auth: () => import('#middleware/auth_middleware'),
  api: () => import('#middleware/api_middleware'),
  ability: () => import('#middleware/token_ability_middleware'),
  idempotency: () => import('#middleware/idempotency_middleware'),
  throttle: () => import('#middleware/rate_limit_middleware'),
})
