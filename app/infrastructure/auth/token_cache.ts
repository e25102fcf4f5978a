import type pg from 'pg'
import { PgListener } from '#infrastructure/database/pg_listener'

/* The channel the auth_changed() trigger notifies (see its migration). */
export const AUTH_CHANGED_CHANNEL = 'auth_changed'

/* A cached row is read again after this long, whatever the notifications said. */
const MAX_AGE_MS = 60_000
const MAX_ENTRIES = 10_000

interface Entry<Row> {
  row: Row
  storedAt: number
}

/*
 * Token rows (with their owner) by token id, so a request with a known token
 * costs no query. It is only used while this process LISTENs on
 * AUTH_CHANGED_CHANNEL: a trigger notifies on every change to tokens or
 * users that could change a verification (not on last_used_at), and each
 * notification empties the cache.
 *
 * A read that raced a change must not be stored after the notification that
 * followed it: the caller takes generation() before its query and set()
 * refuses the row when a notification came in between.
 */
export class TokenCache<Row> {
  #entries = new Map<string, Entry<Row>>()
  #generation = 0
  #enabled = false

  get enabled() {
    return this.#enabled
  }

  generation() {
    return this.#generation
  }

  get(id: string, now = Date.now()): Row | undefined {
    if (!this.#enabled) return undefined
    const entry = this.#entries.get(id)
    if (!entry) return undefined
    if (now - entry.storedAt > MAX_AGE_MS) {
      this.#entries.delete(id)
      return undefined
    }
    return entry.row
  }

  set(id: string, row: Row, generationAtRead: number, now = Date.now()) {
    if (!this.#enabled || generationAtRead !== this.#generation) return
    if (this.#entries.size >= MAX_ENTRIES) {
      // Forget the oldest stored; Map keeps insertion order.
      this.#entries.delete(this.#entries.keys().next().value!)
    }
    this.#entries.set(id, { row, storedAt: now })
  }

  /* Something changed (or we may have missed that it did): forget everything. */
  invalidate() {
    this.#generation += 1
    this.#entries.clear()
  }

  /* On only while notifications are known to arrive; emptied on every switch. */
  setEnabled(enabled: boolean) {
    this.invalidate()
    this.#enabled = enabled
  }

  get size() {
    return this.#entries.size
  }
}

export interface ListenerOptions {
  /* The application's postgres connection unless given. */
  connection?: pg.ClientConfig
  /* Wait before reconnecting after the connection is lost. */
  retryMs?: number
}

/*
 * Keeps one connection LISTENing on AUTH_CHANGED_CHANNEL for a cache. The
 * cache is enabled once LISTEN succeeded and disabled (and emptied) the moment
 * the connection fails, so a notification missed while disconnected cannot
 * leave a revoked token cached. Reconnects until stopped.
 */
export class AuthChangeListener {
  #listener: PgListener

  constructor(
    private cache: TokenCache<unknown>,
    options: ListenerOptions = {}
  ) {
    this.#listener = new PgListener({
      channels: [AUTH_CHANGED_CHANNEL],
      applicationName: 'payouts:auth-listener',
      connection: options.connection,
      retryMs: options.retryMs,
      onNotification: () => this.cache.invalidate(),
      onListening: () => this.cache.setEnabled(true),
      onLost: () => this.cache.setEnabled(false),
    })
  }

  /* Resolves once listening (or after the first failure, retrying in the background). */
  start() {
    return this.#listener.start()
  }

  async stop() {
    this.cache.setEnabled(false)
    await this.#listener.stop()
  }
}
