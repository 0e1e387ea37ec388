/**
 * When the OTEL_* environment turns tracing on (`tracingChoice`): only when asked (an exporter named
 * or an OTLP endpoint given), never with `none` or OTEL_SDK_DISABLED, and with a warning for what
 * Baton does not ship (other exporters, another OTLP protocol).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tracingChoice } from '../../packages/config/src/tracing.ts'

test('off unless the environment asks for it', () => {
  assert.deepEqual(tracingChoice({}), { exporters: [], warnings: [] })
  assert.deepEqual(tracingChoice({ OTEL_SERVICE_NAME: 'x' }).exporters, [])
  assert.deepEqual(tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).exporters, [])
})

test('an OTLP endpoint alone, or OTEL_TRACES_EXPORTER=otlp, turns it on', () => {
  const endpoint = 'http://collector:4318'
  assert.deepEqual(tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }).exporters, ['otlp'])
  assert.deepEqual(
    tracingChoice({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${endpoint}/v1/traces` }).exporters,
    ['otlp'],
  )
  assert.deepEqual(tracingChoice({ OTEL_TRACES_EXPORTER: 'otlp' }).exporters, ['otlp'])
  assert.deepEqual(tracingChoice({ OTEL_TRACES_EXPORTER: 'OTLP, console' }).exporters, [
    'otlp',
    'console',
  ])
})

test('none and OTEL_SDK_DISABLED win over an endpoint', () => {
  const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }
  assert.deepEqual(tracingChoice({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).exporters, [])
  assert.deepEqual(
    tracingChoice({ ...endpoint, OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })
      .exporters,
    [],
  )
})

test('what Baton does not ship is said, not silently taken', () => {
  const zipkin = tracingChoice({ OTEL_TRACES_EXPORTER: 'zipkin' })
  assert.deepEqual(zipkin.exporters, [])
  assert.match(zipkin.warnings[0] ?? '', /zipkin is not supported/)
  const proto = tracingChoice({
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  })
  assert.deepEqual(proto.exporters, ['otlp'])
  assert.match(proto.warnings[0] ?? '', /http\/json/)
})
