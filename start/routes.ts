/*
 * Routes. Three surfaces: the JSON API under /api/v1 (Bearer tokens, see
 * CONTRACT.md), the operator dashboard (session login, Edge pages) and the
 * service endpoints (health, metrics, OpenAPI). Keep /openapi.json in step:
 * a test fails when an /api/v1 route is missing from it.
 */
import router from '@adonisjs/core/services/router'
import { middleware } from '#start/kernel'
import type { TokenAbility } from '#domain/roles'
import { uuid } from '#start/route_matchers'
import '#start/console_routes'

const SessionController = () => import('#controllers/operator/session_controller')
const OverviewController = () => import('#controllers/operator/overview_controller')
const UsersController = () => import('#controllers/operator/users_controller')
const TokensController = () => import('#controllers/operator/tokens_controller')
const UserAccessController = () => import('#controllers/operator/user_access_controller')
const OperatorPayoutsController = () => import('#controllers/operator/payouts_controller')
const OperatorPayoutCancellationsController = () =>
  import('#controllers/operator/payout_cancellations_controller')
const OperatorAccountsController = () => import('#controllers/operator/accounts_controller')
const OperatorAccountDepositsController = () =>
  import('#controllers/operator/account_deposits_controller')
const OperatorDeadLettersController = () => import('#controllers/operator/dead_letters_controller')
const DeadLetterResolutionsController = () =>
  import('#controllers/operator/dead_letter_resolutions_controller')
const MonitoringController = () => import('#controllers/operator/monitoring_controller')
const MeController = () => import('#controllers/api/me_controller')
const AccountsController = () => import('#controllers/api/accounts_controller')
const DepositsController = () => import('#controllers/api/deposits_controller')
const TransactionsController = () => import('#controllers/api/transactions_controller')
const PayoutsController = () => import('#controllers/api/payouts_controller')
const DeadLettersController = () => import('#controllers/api/dead_letters_controller')
const PayoutCancellationsController = () =>
  import('#controllers/api/payout_cancellations_controller')
const HealthController = () => import('#controllers/service/health_controller')
const MetricsController = () => import('#controllers/service/metrics_controller')
const DocsController = () => import('#controllers/service/docs_controller')
const VendorAssetsController = () => import('#controllers/service/vendor_assets_controller')
const ProviderWebhooksController = () =>
  import('#controllers/webhooks/provider_webhooks_controller')

/* Service endpoints: public, no session or token. */
router.get('/health/live', [HealthController, 'live'])
router.get('/health/ready', [HealthController, 'ready'])
router.get('/metrics', [MetricsController, 'show'])
router.get('/openapi.json', [DocsController, 'openapi'])
router.get('/docs', [DocsController, 'ui'])
router.get('/docs/assets/:file', [DocsController, 'asset'])
router.get('/vendor/:file', [VendorAssetsController, 'show'])

/* Provider callbacks: public, signed instead (no session, no CSRF, no token). */
router
  .post('/webhooks/provider', [ProviderWebhooksController, 'store'])
  .use(middleware.throttle('webhook'))

/*
 * JSON API. The token is authenticated and rate-limited first, then its
 * ability is checked (403 before any lookup), then Idempotency-Key handling
 * for POST, PATCH and DELETE (a 429 never claims a key).
 */
const token = (ability: TokenAbility) => [middleware.ability(ability), middleware.idempotency()]

router
  .group(() => {
    router.get('/me', [MeController, 'show'])

    router.post('/accounts', [AccountsController, 'store']).use(token('accounts:write'))
    router.get('/accounts/:id', [AccountsController, 'show']).use(token('accounts:read'))
    router.get('/accounts/:id/balance', [AccountsController, 'balance']).use(token('accounts:read'))
    router
      .post('/accounts/:id/deposits', [DepositsController, 'store'])
      .use(token('accounts:write'))
    router
      .get('/accounts/:id/transactions', [TransactionsController, 'index'])
      .use(token('accounts:read'))
    router.get('/transactions/:id', [TransactionsController, 'show']).use(token('accounts:read'))

    router.post('/payouts', [PayoutsController, 'store']).use(token('payouts:write'))
    router.get('/payouts', [PayoutsController, 'index']).use(token('payouts:read'))
    router.get('/payouts/:id', [PayoutsController, 'show']).use(token('payouts:read'))
    router.patch('/payouts/:id', [PayoutsController, 'update']).use(token('payouts:write'))
    router
      .post('/payouts/:id/cancel', [PayoutCancellationsController, 'store'])
      .as('payouts.cancel')
      .use(token('payouts:write'))
    router
      .delete('/payouts/:id', [PayoutCancellationsController, 'store'])
      .as('payouts.destroy')
      .use(token('payouts:write'))

    router.get('/dead-letters', [DeadLettersController, 'index']).use(token('dlq:manage'))
    router.get('/dead-letters/:id', [DeadLettersController, 'show']).use(token('dlq:manage'))
    router
      .post('/dead-letters/:id/replay', [DeadLettersController, 'replay'])
      .use(token('dlq:manage'))
    router
      .post('/dead-letters/:id/discard', [DeadLettersController, 'discard'])
      .use(token('dlq:manage'))
  })
  .prefix('/api/v1')
  .as('api')
  .use([middleware.api(), middleware.throttle('api')])

/* Operator dashboard */

router
  .group(() => {
    router.get('/login', [SessionController, 'create']).as('session.create')
    router.post('/login', [SessionController, 'store']).as('session.store')
  })
  .use([middleware.session(), middleware.shield(), middleware.guest()])

router
  .group(() => {
    router.post('/logout', [SessionController, 'destroy']).as('session.destroy')
    router.get('/', [OverviewController, 'index']).as('overview')
    router.get('/payouts', [OperatorPayoutsController, 'index']).as('payouts.index')
    router.get('/payouts/export', [OperatorPayoutsController, 'export']).as('payouts.export')
    router
      .get('/payouts/:id', [OperatorPayoutsController, 'show'])
      .where('id', uuid)
      .as('payouts.show')
    router
      .post('/payouts/:id/cancel', [OperatorPayoutCancellationsController, 'store'])
      .where('id', uuid)
      .as('payouts.cancel')
    router.get('/accounts', [OperatorAccountsController, 'index']).as('accounts.index')
    router
      .get('/accounts/:id', [OperatorAccountsController, 'show'])
      .where('id', uuid)
      .as('accounts.show')
    router
      .post('/accounts/:id/deposits', [OperatorAccountDepositsController, 'store'])
      .where('id', uuid)
      .as('accounts.deposits.store')

    router.get('/dead-letters', [OperatorDeadLettersController, 'index']).as('dead_letters.index')
    router
      .post('/dead-letters/replay-matching', [DeadLetterResolutionsController, 'replayMatching'])
      .as('dead_letters.replay_matching')
    router
      .post('/dead-letters/discard-matching', [DeadLetterResolutionsController, 'discardMatching'])
      .as('dead_letters.discard_matching')
    router.get('/dead-letters/:id', [OperatorDeadLettersController, 'show']).as('dead_letters.show')
    router
      .post('/dead-letters/:id/replay', [DeadLetterResolutionsController, 'replay'])
      .as('dead_letters.replay')
    router
      .post('/dead-letters/:id/discard', [DeadLetterResolutionsController, 'discard'])
      .as('dead_letters.discard')

    router.get('/monitoring', [MonitoringController, 'index']).as('monitoring.index')
    router.get('/monitoring/data', [MonitoringController, 'data']).as('monitoring.data')

    router.get('/users', [UsersController, 'index']).as('users.index')
    router.post('/users', [UsersController, 'store']).as('users.store')
    router
      .post('/users/:id/disable', [UserAccessController, 'disable'])
      .where('id', uuid)
      .as('users.disable')
    router
      .post('/users/:id/enable', [UserAccessController, 'enable'])
      .where('id', uuid)
      .as('users.enable')
    router
      .post('/users/:id/role', [UserAccessController, 'updateRole'])
      .where('id', uuid)
      .as('users.role')
    router.post('/users/:id/tokens', [TokensController, 'store']).as('tokens.store')
    router.delete('/users/:userId/tokens/:id', [TokensController, 'destroy']).as('tokens.destroy')
  })
  .use([middleware.session(), middleware.shield(), middleware.auth()])
