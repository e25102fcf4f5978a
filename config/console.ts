import env from '#start/env'

/* The operator console (issue 19): worker heartbeats and the live pages. */
const heartbeatMs = env.get('WORKER_HEARTBEAT_MS', 5000)

const consoleConfig = {
  workers: {
    /* How often each worker writes its heartbeat (and re-reads the pause state). */
    heartbeatMs,
    /* A worker not heard from for this long is shown stale. */
    staleAfterMs: heartbeatMs * 3,
    /* Stale rows are deleted after this long (a crashed process's row). */
    forgetAfterMs: 24 * 60 * 60 * 1000,
  },
  /* Longest wait for the RabbitMQ management API on the workers page. */
  managementTimeoutMs: 1500,
}

export default consoleConfig
