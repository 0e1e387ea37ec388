/**
 * Help-text wrapping against oslo-config-generator on real texts: every help string of every
 * keystone option renders as the same `# ...` lines (Python textwrap semantics: hyphen breaks,
 * long words kept whole, paragraphs and leading spaces).
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatHelp } from '../../packages/config/src/sample.ts'
import { golden, wrapCases } from './golden.ts'

test(`help text wraps like oslo-config-generator ${golden.oslo_config} for all keystone options`, () => {
  assert.ok(wrapCases.length > 150, 'the golden file holds keystone help texts')
  for (const [help, expected] of wrapCases) {
    assert.equal(formatHelp(help), expected, help.slice(0, 60))
  }
})
