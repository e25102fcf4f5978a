#!/usr/bin/env bash
# Installs what a fresh clone lacks, so `npm start` and `npm test` work alone:
# npm packages (which bring Node 24), Debian's Chromium for browser tests and
# wrk for the benchmarks when running as root, and a .env made from
# .env.example with a fresh APP_KEY.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Installs a Debian package as root; otherwise prints why it is missing and what follows.
debian_install() { # package, why, what happens without it
  if [ "$(id -u)" = "0" ] && command -v apt-get > /dev/null; then
    echo "[setup] installing Debian's $1 $2"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" > /dev/null
  else
    echo "[setup] warning: $1 is missing and cannot be installed (not root); $3" >&2
  fi
}

if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  debian_install chromium "for the browser tests" "browser tests will fail"
fi

if [ "${1:-}" = "--bench" ] && ! command -v wrk > /dev/null; then
  debian_install wrk "(the benchmarks' load generator)" "the benchmarks use autocannon"
fi

if [ ! -f .env ]; then
  key="$(node_modules/.bin/node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('base64url'))")"
  sed "s|^APP_KEY=.*|APP_KEY=${key}|" .env.example > .env
  echo "[setup] created .env from .env.example"
fi
