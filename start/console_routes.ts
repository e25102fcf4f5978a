/*
 * The operator console pages (issue 19): audit log, global search, account
 * statements, reconciliation of provider contradictions, workers, retries
 * and stuck payouts. Same middleware as the rest of the dashboard; each
 * handler checks its bouncer ability (viewers read, operators act).
 */
import router from '@adonisjs/core/services/router'
import transmit from '@adonisjs/transmit/services/main'
import { middleware } from '#start/kernel'
import { trackStream } from '#infrastructure/live/live_streams'
import { uuid } from '#start/route_matchers'

const AuditController = () => import('#controllers/operator/audit_controller')
const SearchController = () => import('#controllers/operator/search_controller')
const StatementsController = () => import('#controllers/operator/statements_controller')
const ReconciliationController = () => import('#controllers/operator/reconciliation_controller')
const WorkersController = () => import('#controllers/operator/workers_controller')
const RecoveryController = () => import('#controllers/operator/recovery_controller')

router
  .group(() => {
    router.get('/audit', [AuditController, 'index']).as('audit.index')
    router.get('/audit/export', [AuditController, 'export']).as('audit.export')
    router.get('/search', [SearchController, 'show']).as('search')
    router
      .get('/accounts/:id/statement', [StatementsController, 'show'])
      .where('id', uuid)
      .as('accounts.statement')
    router
      .get('/accounts/:id/statement.csv', [StatementsController, 'export'])
      .where('id', uuid)
      .as('accounts.statement.csv')
    router.get('/reconciliation', [ReconciliationController, 'index']).as('reconciliation.index')
    router
      .post('/reconciliation/:id', [ReconciliationController, 'store'])
      .where('id', /^\d{1,18}$/)
      .as('reconciliation.store')
    router.get('/workers', [WorkersController, 'index']).as('workers.index')
    router.post('/workers/pause', [WorkersController, 'pause']).as('workers.pause')
    router.post('/workers/resume', [WorkersController, 'resume']).as('workers.resume')
    router.get('/retries', [RecoveryController, 'retries']).as('retries.index')
    router
      .post('/retries/:id/retry-now', [RecoveryController, 'retryNow'])
      .where('id', uuid)
      .as('retries.retry_now')
    router
      .post('/retries/:id/give-up', [RecoveryController, 'giveUp'])
      .where('id', uuid)
      .as('retries.give_up')
    router.get('/stuck', [RecoveryController, 'stuck']).as('stuck.index')
    router
      .post('/stuck/:id/reconcile', [RecoveryController, 'reconcileNow'])
      .where('id', uuid)
      .as('stuck.reconcile')
  })
  .use([middleware.session(), middleware.shield(), middleware.auth()])

/*
 * Server-sent events of the live pages (__transmit/events, subscribe,
 * unsubscribe): signed-in users only. Not behind shield: the client's
 * subscribe POST carries no CSRF token, and subscribing changes nothing.
 */
transmit.registerRoutes((route) => {
  route.use([
    middleware.session(),
    middleware.auth(),
    ({ response }, next) => {
      trackStream(response.response)
      return next()
    },
  ])
})
