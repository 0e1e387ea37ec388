/**
 * How long revocation events are kept: as long as a revoked token can still be presented. A
 * delegation outlives its root user token up to `[delegation] max_lifetime` and ends when an
 * event revokes that root, so with a short window the delegation lifetime sets the retention.
 * @module
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '@baton/config'
import {
  revocationRetentionSeconds,
  tokenSettings,
} from '../../../../packages/identity/src/core/tokens/token_settings.ts'
import { identityOptionGroups } from '../../../../packages/identity/src/options.ts'

function retention(overrides: Record<string, Record<string, string>> = {}): number {
  const config = loadConfig({ groups: identityOptionGroups, overrides })
  return revocationRetentionSeconds(tokenSettings(config))
}

test('expiration + allow_expired_window + buffer when that is the longest', () => {
  // defaults: 3600 + 172800 + 1800; delegations (86400) are shorter
  assert.equal(retention(), 3600 + 172800 + 1800)
})

test('the delegation lifetime + buffer when the window is shorter', () => {
  assert.equal(retention({ token: { allow_expired_window: '0' } }), 86400 + 1800)
  assert.equal(
    retention({ token: { allow_expired_window: '0' }, delegation: { max_lifetime: '600' } }),
    3600 + 1800,
  )
})
