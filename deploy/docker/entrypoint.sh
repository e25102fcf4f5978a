#!/bin/sh
# Entry point of the production image (see Dockerfile): the first argument
# names the process to run; `exec` makes node the direct child of tini, so it
# receives SIGTERM and drains (docs/deploy.md, "Stopping").
set -eu

# V8 heap limits per process, as `npm start` uses them (scripts/support.ts);
# override with NODE_HEAP_FLAGS, e.g. to follow a bigger memory limit.
web_heap='--max-old-space-size=128 --max-semi-space-size=16'
small_heap='--max-old-space-size=64 --max-semi-space-size=2'

role="${1:-web}"
[ "$#" -gt 0 ] && shift

# Remembered for `payouts healthcheck`, which Docker runs in another process.
role_file="${PAYOUTS_ROLE_FILE:-/tmp/payouts-role}"
remember() { echo "$role" > "$role_file" 2> /dev/null || true; }

# GET on this container's own port; healthy on a 200.
probe() {
  exec node -e "fetch(process.argv[1], { signal: AbortSignal.timeout(4000) })
    .then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" "$1"
}

case "$role" in
  web)
    remember
    exec node ${NODE_HEAP_FLAGS:-$web_heap} bin/server.js "$@" ;;
  worker)
    remember
    exec node ${NODE_HEAP_FLAGS:-$small_heap} ace.js payouts:work "$@" ;;
  relay)
    remember
    exec node ${NODE_HEAP_FLAGS:-$small_heap} ace.js outbox:relay --watch "$@" ;;
  migrate)
    remember
    exec node ace.js migration:run --force "$@" ;;
  provider-mock)
    remember
    exec node ${NODE_HEAP_FLAGS:-$small_heap} ace.js provider:mock "$@" ;;
  ace)
    remember
    exec node ace.js "$@" ;;
  healthcheck)
    case "$(cat "$role_file" 2> /dev/null || echo web)" in
      web) probe "http://127.0.0.1:${PORT:-3333}/health/ready" ;;
      worker)
        # WORKER_METRICS_PORT=0 turns the probe server off: nothing to ask.
        [ "${WORKER_METRICS_PORT:-9464}" = "0" ] && exit 0
        probe "http://127.0.0.1:${WORKER_METRICS_PORT:-9464}/health/ready" ;;
      provider-mock) probe "http://127.0.0.1:${MOCK_PROVIDER_PORT:-4010}/health" ;;
      # The relay, migrate and one-off commands have no port: running is healthy.
      *) exit 0 ;;
    esac ;;
  *)
    echo "payouts: unknown role '$role' (web, worker, relay, migrate, provider-mock, ace <command>, healthcheck)" >&2
    exit 64 ;;
esac
