/**
 * The answer of `GET /v3/OS-BATON/keys` (the operator console's Keys view): the token and receipt
 * key sets (each key's index, role, fingerprint, age and history times, never the key itself),
 * the rotation guard's facts (what it counts and the earliest safe rotation, with its reasons) and
 * the fleet's nodes. Built from the same readers as /healthcheck and /metrics (compose_operations).
 * @module
 */
import type { KeyRepositoryStatus, KeyStatus } from '@baton/fernet'
import type { FleetView } from './fleet_view.ts'

export type GuardFacts = {
  readonly expiration: number
  readonly allowExpiredWindow: number
  /** null when `[delegation] enabled` is false (delegations do not count then). */
  readonly delegationMaxLifetime: number | null
  readonly maxActiveKeys: number
}

export type KeysReportSources = {
  readonly keyStore: 'files' | 'database'
  readonly tokenKeys: () => KeyRepositoryStatus | undefined
  /** undefined when receipts share the token keys. */
  readonly receiptKeys: (() => KeyRepositoryStatus | undefined) | undefined
  readonly guard: GuardFacts
  readonly fleet: () => Promise<FleetView>
  readonly now: () => number
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString()

function keyView(key: KeyStatus) {
  return {
    index: key.number,
    role: key.role,
    fingerprint: key.fingerprint,
    age_seconds: key.ageSeconds ?? null,
    created_at: iso(key.createdAt),
    promoted_at: iso(key.promotedAt),
    retired_at: iso(key.retiredAt),
  }
}

function keySetView(status: KeyRepositoryStatus | undefined) {
  if (status === undefined) return { readable: false, keys: [] }
  return { readable: true, keys: status.keys.map(keyView) }
}

export async function keysReport(sources: KeysReportSources): Promise<Record<string, unknown>> {
  const tokens = sources.tokenKeys()
  const { guard } = sources
  let fleet: Record<string, unknown>
  try {
    fleet = { ...(await sources.fleet()) }
  } catch (error) {
    fleet = {
      nodes: [],
      live: 0,
      lagging: [],
      error: error instanceof Error ? error.name : 'error',
    }
  }
  return {
    now: new Date(sources.now()).toISOString(),
    key_store: sources.keyStore,
    token_keys: keySetView(tokens),
    receipt_keys:
      sources.receiptKeys === undefined
        ? { shared_with_tokens: true }
        : { shared_with_tokens: false, ...keySetView(sources.receiptKeys()) },
    guard: {
      expiration: guard.expiration,
      allow_expired_window: guard.allowExpiredWindow,
      delegation_max_lifetime: guard.delegationMaxLifetime,
      max_active_keys: guard.maxActiveKeys,
      // a key must outlive every token it signed: the newest token lives expiration + window
      token_validity_seconds: guard.expiration + guard.allowExpiredWindow,
      earliest_safe_rotation:
        tokens?.earliestSafeRotation == null ? null : iso(tokens.earliestSafeRotation),
      min_max_active_keys: tokens?.minMaxActiveKeys ?? null,
      reasons: tokens?.reasons ?? ['the key set could not be read'],
    },
    fleet,
  }
}
