/**
 * `baton delegation flush` (Baton, after keystone-manage trust_flush): deletes delegation rows
 * (issue 15) that can validate nothing any more: those past their deadline plus `[revoke]
 * expiration_buffer` (the horizon identity itself prunes at on every `DELETE /v3/auth/tokens`),
 * and revoked ones whose revocation is older than the revocation-event retention
 * (`revocationRetentionSeconds`: the events announcing them are pruned then too). A token whose
 * row is gone is refused, so deleting never revives one. The schema must be current, as for the
 * server.
 * @module
 */
import type { Config } from '@baton/config'
import { revocationRetentionSeconds, tokenSettings } from '../core/tokens/token_settings.ts'
import { openCurrentStoreWithRetry } from './database_access.ts'

export interface DelegationFlushResult {
  /** Rows deleted because their deadline (plus the buffer) passed. */
  readonly expired: number
  /** Revoked rows deleted because their revocation is older than the retention. */
  readonly revoked: number
}

/** `now` in epoch milliseconds. */
export async function flushDelegations(
  config: Config,
  now: number,
): Promise<DelegationFlushResult> {
  const settings = tokenSettings(config)
  const micros = (ms: number) => Math.floor(ms) * 1000 // the store's columns
  const expiredBefore = micros(now - settings.revocationBufferSeconds * 1000)
  const revokedBefore = micros(now - revocationRetentionSeconds(settings) * 1000)
  const { store, database } = await openCurrentStoreWithRetry(config, undefined, () => {})
  try {
    return await store.transaction(async (tx) => ({
      expired: await tx.delegations.flushExpired(expiredBefore),
      revoked: await tx.delegations.flushRevoked(revokedBefore),
    }))
  } finally {
    await database.close()
  }
}
