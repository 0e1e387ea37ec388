/**
 * The domain configuration API's option lists and defaults equal Keystone 22's
 * (fixtures/domain_config_options.json, generated from the installed Keystone).
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import {
  DEFAULT_VALUES,
  SENSITIVE_OPTIONS,
  WHITELISTED_OPTIONS,
} from '../../../../packages/identity/src/core/resources/domain_config_options.ts'

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/domain_config_options.json', import.meta.url), 'utf8'),
)

test("whitelisted and sensitive options, and their defaults, are Keystone 22's", () => {
  assert.deepEqual(WHITELISTED_OPTIONS, golden.whitelisted)
  assert.deepEqual(SENSITIVE_OPTIONS, golden.sensitive)
  assert.deepEqual(DEFAULT_VALUES, golden.defaults)
})
