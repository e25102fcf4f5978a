/*
 * Live pages: elements marked data-live-region (each with an id) are
 * refreshed from the server when a change arrives on one of the page's
 * data-live-channel channels (server-sent events through @adonisjs/transmit).
 * Refreshes are coalesced (one at most every REFRESH_MS). While the tab is
 * hidden the stream is closed; when it shows again the page catches up once.
 */
import { Transmit } from '/vendor/transmit-client.js'

const REFRESH_MS = 1000

const regions = () => Array.from(document.querySelectorAll('[data-live-region][id]'))
const channels = Array.from(
  new Set(
    Array.from(document.querySelectorAll('[data-live-channel]')).map((element) =>
      element.getAttribute('data-live-channel')
    )
  )
).filter(Boolean)

let transmit = null
let timer = null
let refreshing = false
let pending = false

/* Rows whose status changed since the last render flash once. */
function statusesOf(root) {
  const statuses = new Map()
  root.querySelectorAll('[data-live-region] tr[data-id][data-status]').forEach((row) => {
    statuses.set(row.getAttribute('data-id'), row.getAttribute('data-status'))
  })
  return statuses
}

async function refresh() {
  if (refreshing) {
    pending = true
    return
  }
  refreshing = true
  try {
    const before = statusesOf(document)
    const response = await fetch(window.location.href, {
      headers: { accept: 'text/html' },
      credentials: 'same-origin',
    })
    if (!response.ok || response.redirected) return
    const next = new DOMParser().parseFromString(await response.text(), 'text/html')
    for (const region of regions()) {
      const fresh = next.getElementById(region.id)
      if (fresh) region.replaceWith(document.adoptNode(fresh))
    }
    document.querySelectorAll('[data-live-region] tr[data-id][data-status]').forEach((row) => {
      if (before.get(row.getAttribute('data-id')) !== row.getAttribute('data-status')) {
        row.classList.add('live-flash')
      }
    })
    document.documentElement.setAttribute('data-live-refreshed', String(Date.now()))
  } catch {
    // A failed refresh is retried on the next change.
  } finally {
    refreshing = false
    if (pending) {
      pending = false
      schedule()
    }
  }
}

function schedule() {
  if (timer !== null) return
  timer = window.setTimeout(() => {
    timer = null
    void refresh()
  }, REFRESH_MS)
}

async function connect() {
  if (transmit || channels.length === 0) return
  transmit = new Transmit({ baseUrl: window.location.origin, maxReconnectAttempts: 1000 })
  for (const channel of channels) {
    const subscription = transmit.subscription(channel)
    subscription.onMessage(() => schedule())
    await subscription.create()
  }
  document.documentElement.setAttribute('data-live', 'connected')
}

function disconnect() {
  if (!transmit) return
  transmit.close()
  transmit = null
  document.documentElement.setAttribute('data-live', 'paused')
}

/* A region refreshed on a timer instead (the workers page): only while the tab shows. */
const periodic = document.querySelector('[data-live-region][data-refresh-ms]')
if (periodic) {
  window.setInterval(
    () => {
      if (!document.hidden) void refresh()
    },
    Math.max(1000, Number(periodic.getAttribute('data-refresh-ms')) || 5000)
  )
}

if (channels.length > 0) {
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      disconnect()
    } else {
      void connect()
      schedule()
    }
  })
  if (!document.hidden) void connect()
}
