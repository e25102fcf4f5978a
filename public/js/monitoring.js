/*
 * The metrics page. Draws the charts with Chart.js (served by this app from
 * /vendor, no CDN) from the snapshot embedded in the page, then refreshes it
 * from /monitoring/data every few seconds while auto-refresh is on and the
 * tab is visible. Without JavaScript the cards and the queue table still show
 * the numbers of the moment the page was loaded.
 */
;(function () {
  'use strict'

  var root = document.querySelector('[data-monitoring]')
  var embedded = document.getElementById('metrics-data')
  if (!root || !embedded || !window.Chart) return

  var Chart = window.Chart
  var source = root.getAttribute('data-source')
  var intervalMs = Number(root.getAttribute('data-interval-ms')) || 5000
  var toggle = root.querySelector('[data-refresh-toggle]')
  var status = root.querySelector('[data-refresh-status]')
  var STORAGE_KEY = 'payouts.metrics.autoRefresh'
  var COLORS = {
    brand: '#2563eb',
    success: '#059669',
    danger: '#dc2626',
    warning: '#d97706',
    violet: '#7c3aed',
    slate: '#94a3b8',
  }

  /* ---- Formatting (same rules as the Edge template) ---------------------- */

  function count(value) {
    return value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US')
  }

  function ms(value) {
    if (value === null || value === undefined) return '—'
    if (value < 1000) return value + ' ms'
    return (value / 1000).toFixed(value < 10000 ? 2 : 1) + ' s'
  }

  function age(value) {
    if (value === null || value === undefined) return 'nothing waiting'
    if (value < 60) return 'oldest ' + Math.round(value) + ' s'
    if (value < 3600) return 'oldest ' + Math.round(value / 60) + ' min'
    return 'oldest ' + (value / 3600).toFixed(1) + ' h'
  }

  var FORMATS = { count: count, ms: ms, age: age }

  function queuedOf(snapshot) {
    if (!snapshot.queues.available) return null
    return snapshot.queues.items.reduce(function (total, queue) {
      return queue.kind === 'dead' ? total : total + (queue.messages || 0)
    }, 0)
  }

  function valueAt(snapshot, path) {
    if (path === 'queues.queued') return queuedOf(snapshot)
    return path.split('.').reduce(function (value, key) {
      return value === null || value === undefined ? value : value[key]
    }, snapshot)
  }

  function minuteLabel(iso) {
    return iso.slice(11, 16)
  }

  /* ---- Charts ------------------------------------------------------------ */

  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily
  Chart.defaults.font.size = 12
  Chart.defaults.color = '#64748b'
  Chart.defaults.borderColor = '#e2e8f0'

  function line(label, color, options) {
    return Object.assign(
      {
        label: label,
        data: [],
        borderColor: color,
        backgroundColor: color + '1f',
        borderWidth: 2,
        pointRadius: 0,
        pointHoverRadius: 4,
        cubicInterpolationMode: 'monotone',
      },
      options || {}
    )
  }

  function timeOptions(yTitle, tickFormat) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: {
          position: 'bottom',
          labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true },
        },
        tooltip: {
          callbacks: tickFormat
            ? {
                label: function (item) {
                  return item.dataset.label + ': ' + tickFormat(item.parsed.y)
                },
              }
            : {},
        },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxTicksLimit: 12, maxRotation: 0 } },
        y: {
          beginAtZero: true,
          title: { display: true, text: yTitle },
          ticks: Object.assign(
            { precision: 0 },
            tickFormat
              ? {
                  callback: function (value) {
                    return tickFormat(value)
                  },
                }
              : {}
          ),
        },
      },
    }
  }

  function canvas(name) {
    return root.querySelector('canvas[data-chart="' + name + '"]')
  }

  var charts = {
    throughput: new Chart(canvas('throughput'), {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          line('Created', COLORS.brand),
          line('Completed', COLORS.success),
          line('Failed', COLORS.danger),
        ],
      },
      options: timeOptions('payouts / min'),
    }),
    latency: new Chart(canvas('latency'), {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          line('p50', COLORS.brand, { spanGaps: true, pointRadius: 2 }),
          line('p95', COLORS.violet, { spanGaps: true, pointRadius: 2, borderDash: [5, 4] }),
        ],
      },
      options: timeOptions('processing time', ms),
    }),
    retries: new Chart(canvas('retries'), {
      type: 'bar',
      data: {
        labels: [],
        datasets: [
          {
            label: 'Retries scheduled',
            data: [],
            backgroundColor: COLORS.warning + 'b3',
            borderRadius: 3,
            maxBarThickness: 14,
          },
        ],
      },
      options: timeOptions('retries / min'),
    }),
    queues: new Chart(canvas('queues'), {
      type: 'bar',
      data: {
        labels: [],
        datasets: [{ label: 'Messages', data: [], backgroundColor: [], borderRadius: 3 }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: 'y',
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { precision: 0 } },
          y: { grid: { display: false }, ticks: { font: { family: 'ui-monospace, monospace' } } },
        },
      },
    }),
  }

  var QUEUE_COLORS = { work: COLORS.brand, dead: COLORS.danger, retry: COLORS.warning }

  function drawCharts(snapshot) {
    var series = snapshot.series
    var labels = series.minutes.map(minuteLabel)
    var throughput = charts.throughput.data
    throughput.labels = labels
    throughput.datasets[0].data = series.created
    throughput.datasets[1].data = series.completed
    throughput.datasets[2].data = series.failed

    charts.latency.data.labels = labels
    charts.latency.data.datasets[0].data = series.p50_ms
    charts.latency.data.datasets[1].data = series.p95_ms

    charts.retries.data.labels = labels
    charts.retries.data.datasets[0].data = series.retries

    var queues = snapshot.queues.items
    charts.queues.data.labels = queues.map(function (queue) {
      return queue.name
    })
    charts.queues.data.datasets[0].data = queues.map(function (queue) {
      return queue.messages || 0
    })
    charts.queues.data.datasets[0].backgroundColor = queues.map(function (queue) {
      return snapshot.queues.available ? QUEUE_COLORS[queue.kind] + 'cc' : COLORS.slate
    })

    Object.keys(charts).forEach(function (name) {
      charts[name].update('none')
    })
  }

  /* ---- Cards and queue table --------------------------------------------- */

  function fillNumbers(snapshot) {
    root.querySelectorAll('[data-metric]').forEach(function (element) {
      var format = FORMATS[element.getAttribute('data-format')] || count
      element.textContent = format(valueAt(snapshot, element.getAttribute('data-metric')))
    })

    var available = snapshot.queues.available
    var brokerState = root.querySelector('[data-broker-state]')
    if (brokerState) {
      brokerState.innerHTML = ''
      var text = document.createElement('span')
      text.textContent = available ? 'Work and retry queues in RabbitMQ' : 'RabbitMQ unavailable'
      if (!available) text.className = 'text-danger'
      brokerState.appendChild(text)
    }
    var badge = root.querySelector('[data-broker-badge]')
    if (badge) {
      badge.textContent = available ? 'live' : 'unavailable'
      badge.className = 'badge ' + (available ? 'badge-success' : 'badge-danger')
    }
    var error = root.querySelector('[data-broker-error]')
    if (error) {
      error.hidden = available
      error.querySelector('[data-broker-message]').textContent = available
        ? ''
        : snapshot.queues.error
    }
    snapshot.queues.items.forEach(function (queue) {
      var row = root.querySelector('tr[data-queue="' + queue.name + '"]')
      if (!row) return
      row.querySelector('[data-queue-messages]').textContent = !available
        ? 'unavailable'
        : queue.messages === null
          ? 'missing'
          : count(queue.messages)
      row.querySelector('[data-queue-consumers]').textContent =
        available && queue.consumers !== null ? count(queue.consumers) : '—'
    })

    var generated = root.querySelector('[data-generated-at]')
    if (generated) {
      generated.setAttribute('datetime', snapshot.generated_at)
      generated.textContent = snapshot.generated_at.slice(11, 19)
    }
  }

  function render(snapshot) {
    fillNumbers(snapshot)
    drawCharts(snapshot)
  }

  /* ---- Auto-refresh -------------------------------------------------------- */

  var timer = null
  var inFlight = false

  function setState(state, message) {
    root.setAttribute('data-refresh', state)
    if (message) {
      status.textContent = message
    }
  }

  function updatedMessage(snapshot) {
    status.textContent = 'Updated '
    var time = document.createElement('time')
    time.setAttribute('data-generated-at', '')
    time.setAttribute('datetime', snapshot.generated_at)
    time.textContent = snapshot.generated_at.slice(11, 19)
    status.appendChild(time)
    status.appendChild(document.createTextNode(' UTC'))
  }

  function active() {
    return toggle.checked && document.visibilityState === 'visible'
  }

  function schedule() {
    window.clearTimeout(timer)
    timer = null
    if (active()) timer = window.setTimeout(refresh, intervalMs)
  }

  function refresh() {
    if (inFlight || !active()) return
    inFlight = true
    setState('loading')
    fetch(source, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        var type = response.headers.get('content-type') || ''
        if (response.redirected || type.indexOf('application/json') === -1) {
          throw new Error('signed out? reload the page')
        }
        if (!response.ok) throw new Error('HTTP ' + response.status)
        return response.json()
      })
      .then(function (snapshot) {
        render(snapshot)
        updatedMessage(snapshot)
        root.setAttribute(
          'data-refresh-count',
          String(Number(root.getAttribute('data-refresh-count') || 0) + 1)
        )
        setState(active() ? 'on' : toggle.checked ? 'hidden' : 'off')
      })
      .catch(function (error) {
        setState('error', 'Refresh failed: ' + error.message)
      })
      .then(function () {
        inFlight = false
        schedule()
      })
  }

  function pauseOrResume() {
    if (!toggle.checked) {
      schedule()
      setState('off', 'Auto-refresh paused')
    } else if (document.visibilityState !== 'visible') {
      schedule()
      setState('hidden', 'Paused while this tab is hidden')
    } else {
      refresh()
    }
  }

  toggle.disabled = false
  try {
    toggle.checked = window.localStorage.getItem(STORAGE_KEY) !== 'off'
  } catch (error) {
    toggle.checked = true
  }
  toggle.addEventListener('change', function () {
    try {
      window.localStorage.setItem(STORAGE_KEY, toggle.checked ? 'on' : 'off')
    } catch (error) {
      /* Private mode: the choice lasts for this page only. */
    }
    pauseOrResume()
  })
  document.addEventListener('visibilitychange', pauseOrResume)

  render(JSON.parse(embedded.textContent))
  if (active()) {
    setState('on')
    schedule()
  } else {
    pauseOrResume()
  }
})()
