# syntax=docker/dockerfile:1
#
# The production image: one image for every process, the role is the command.
#
#   docker build -t payouts .
#   docker run payouts migrate          # migration:run --force, then exits
#   docker run payouts web              # HTTP server on $PORT (3333)
#   docker run payouts worker           # consumer; probes and /metrics on $WORKER_METRICS_PORT
#   docker run payouts relay            # outbox relay alone (optional, see docs/deploy.md)
#   docker run payouts provider-mock    # the mock payment provider (development only)
#   docker run payouts ace <command>    # any ace command, e.g. idempotency:prune
#
# Nothing compiles, migrates or seeds when a container starts: the build stage
# compiles TypeScript once, the runtime stage holds the compiled JavaScript and
# the production dependencies only. See docs/deploy.md.

ARG NODE_IMAGE=node:24-slim

# ---- build: every dependency, `node ace build` --------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund --loglevel=error
COPY . .
# The compiled tests, benchmarks and npm-start scripts are never run from the image.
RUN node ace.js build && rm -rf build/tests build/bench build/scripts

# ---- runtime: compiled app + production dependencies, non-root, tini as PID 1 --
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3333 \
    WORKER_METRICS_PORT=9464 \
    WORKER_METRICS_HOST=0.0.0.0

WORKDIR /app
COPY --from=build /src/build/package.json /src/build/package-lock.json ./
# --omit=optional as well: TypeScript, Playwright and the Adonis assembler are
# optional peers of @adonisjs/auth and would otherwise be installed (85 MB).
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --loglevel=error \
  && npm cache clean --force
COPY --from=build /src/build ./
COPY deploy/docker/entrypoint.sh /usr/local/bin/payouts
RUN chmod 0755 /usr/local/bin/payouts && mkdir -p /app/tmp && chown node:node /app/tmp

# The application files stay owned by root: the process can read, not change them.
USER node

EXPOSE 3333 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["payouts", "healthcheck"]

# tini forwards SIGTERM to node and reaps zombies; node drains (docs/deploy.md).
ENTRYPOINT ["/usr/bin/tini", "--", "payouts"]
CMD ["web"]
