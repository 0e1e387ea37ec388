/**
 * The one `--port` parser of the serve verbs and `up`: decimal digits only, so `1e3`, `0x10` or
 * `5000x` are usage errors rather than some other port; `up` refuses 0 on top.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InvalidArgumentError } from 'commander'
import { parseUpPort } from '../../packages/cli/src/local_cloud/up_options.ts'
import { parsePort } from '../../packages/cli/src/port_option.ts'

test('parsePort takes 0 to 65535 in decimal digits and nothing else', () => {
  assert.equal(parsePort('0'), 0)
  assert.equal(parsePort('5000'), 5000)
  assert.equal(parsePort('65535'), 65535)
  for (const bad of ['', 'abc', '5000x', '1e3', '0x10', '-1', '65536', '80.5']) {
    assert.throws(() => parsePort(bad), InvalidArgumentError, bad)
  }
})

test('up refuses port 0 (it prints URLs before anything listens) and whatever parsePort refuses', () => {
  assert.equal(parseUpPort('5000'), 5000)
  assert.throws(() => parseUpPort('0'), /from 1 to 65535/)
  assert.throws(() => parseUpPort('abc'), InvalidArgumentError)
})
