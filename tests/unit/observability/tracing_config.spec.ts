import { test } from '@japa/runner'
import { serviceOfCommand, tracingConfigured, tracingEnabled } from '#infrastructure/tracing/sdk'
import { traceLink } from '#infrastructure/tracing/trace_link'
import { producingTraceparent, withTraceparent } from '#infrastructure/tracing/spans'

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'

test.group('Tracing | configured by the standard OTEL_* variables only', () => {
  test('off without an exporter endpoint: a laptop needs nothing', ({ assert }) => {
    assert.isFalse(tracingConfigured({}))
    assert.isFalse(tracingConfigured({ OTEL_SERVICE_NAME: 'payouts-web' }))
  })

  test('on with an OTLP endpoint, for all signals or for traces', ({ assert }) => {
    assert.isTrue(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }))
    assert.isTrue(
      tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })
    )
    assert.isTrue(tracingConfigured({ OTEL_TRACES_EXPORTER: 'console' }))
  })

  test('OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none win over an endpoint', ({ assert }) => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }
    assert.isFalse(tracingConfigured({ ...endpoint, OTEL_SDK_DISABLED: 'true' }))
    assert.isFalse(tracingConfigured({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }))
  })

  test('long-running processes are named; one-off commands are not traced', ({ assert }) => {
    assert.equal(serviceOfCommand('payouts:work'), 'payouts-worker')
    assert.equal(serviceOfCommand('provider:mock'), 'payouts-provider-mock')
    assert.isUndefined(serviceOfCommand('migration:run'))
    assert.isUndefined(serviceOfCommand(undefined))
  })

  test('without the SDK, a message still gets one traceparent, decided when its row is written', ({
    assert,
  }) => {
    assert.isFalse(tracingEnabled())
    assert.equal(producingTraceparent(TRACEPARENT), TRACEPARENT)
    assert.match(producingTraceparent(), /^00-[\da-f]{32}-[\da-f]{16}-01$/)
    assert.equal(withTraceparent({ traceparent: TRACEPARENT }).traceparent, TRACEPARENT)
    assert.match(withTraceparent({ 'x-other': 'kept' }).traceparent, /^00-[\da-f]{32}-/)
  })
})

test.group('Tracing | the payout page links its trace', () => {
  test('the trace id alone without TRACING_UI_URL', ({ assert }) => {
    assert.deepEqual(traceLink(TRACEPARENT, null), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      url: null,
    })
    assert.isNull(traceLink(null, 'http://localhost:16686'))
    assert.isNull(traceLink('not-a-traceparent', 'http://localhost:16686'))
  })

  test('a Jaeger base URL, or any URL with {trace_id}', ({ assert }) => {
    assert.equal(
      traceLink(TRACEPARENT, 'http://localhost:16686/')!.url,
      'http://localhost:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736'
    )
    assert.equal(
      traceLink(TRACEPARENT, 'https://grafana.example/explore?traceId={trace_id}')!.url,
      'https://grafana.example/explore?traceId=4bf92f3577b34da6a3ce929d0e0e4736'
    )
  })
})
