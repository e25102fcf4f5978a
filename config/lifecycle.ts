import env from '#start/env'

/*
 * How long each process may take to stop after SIGTERM. Kubernetes sends
 * SIGKILL after terminationGracePeriodSeconds: keep these below it
 * (deploy/k8s sets 20 s of grace inside a 30 s period, after a 5 s preStop).
 */
const lifecycleConfig = {
  /* Web: in-flight requests finish; connections still open after this are cut. */
  webGraceMs: env.get('WEB_SHUTDOWN_GRACE_MS', 20_000),
  /*
   * Worker and relay: in-flight messages finish and are acked; those still
   * running after this go back to their queue unacked (the inbox dedups them).
   */
  workerGraceMs: env.get('WORKER_SHUTDOWN_GRACE_MS', 20_000),
  /* Past the grace, closing connections gets this long before the process exits anyway. */
  closeMarginMs: 3000,
}

export default lifecycleConfig
