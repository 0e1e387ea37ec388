/**
 * Sample config generation against the real oslo-config-generator: the same options render to the
 * same bytes (wrapping, type names, bounds, choices, deprecations, default formatting).
 * @module
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { generateSampleConfig } from '@baton/config'
import { FIXTURES, golden, groupsOf } from './golden.ts'

test(`generateSampleConfig matches oslo-config-generator ${golden.oslo_config} byte for byte`, () => {
  const expected = readFileSync(join(FIXTURES, golden.sampleFile), 'utf8')
  const actual = generateSampleConfig(groupsOf(golden.options.sample ?? []), { namespace: 'baton' })
  const want = expected.split('\n')
  const got = actual.split('\n')
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    assert.equal(got[i], want[i], `line ${i + 1}`)
  }
  assert.equal(actual, expected)
})
