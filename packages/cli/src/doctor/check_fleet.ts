/**
 * Check 4b, the fleet (issue 17): `[fernet_tokens] rotation_interval` against `max_active_keys`
 * (Keystone FAQ: max_active_keys >= (expiration + allow_expired_window) / rotation_interval + 2,
 * Baton's delegation lifetime instead when longer), and, with `key_store = database`, the KEK file,
 * the keys in the database and the nodes' heartbeats: which live node lags (has not loaded every
 * current key) or runs a clock off the database's by more than `[fleet] max_clock_skew`.
 * @module
 */
import { keyLifetime, readKeyEncryptionKey } from '@baton/fernet'
import {
  fernetTokensOptions,
  fleetOptions,
  openFleetDatabase,
  readFleet,
  readKeySetInfo,
  tokenOptions,
} from '@baton/identity'
import { delegationLifetimeOf } from '../config_files.ts'
import { duration } from '../format.ts'
import type { DoctorConfig } from './config_set.ts'
import type { Findings } from './findings.ts'

const SECTION = 'fernet_tokens'

export function checkRotationInterval(node: DoctorConfig, findings: Findings): void {
  const fernet = node.config.get(fernetTokensOptions)
  const interval = fernet.rotation_interval
  if (interval === 0) return
  if (fernet.key_store !== 'database') {
    findings.warning(
      node.file,
      SECTION,
      'rotation_interval',
      `rotation_interval = ${interval} is ignored with key_store = files (automatic rotation needs the database key store, where every node sees the rotation)`,
      `set [${SECTION}] key_store = database, or rotate with \`baton keys rotate\` and copy the repository`,
    )
    return
  }
  const { expiration, allow_expired_window: window } = node.config.get(tokenOptions)
  const need = keyLifetime({
    tokenExpiration: expiration,
    allowExpiredWindow: window,
    delegationLifetime: delegationLifetimeOf(node.config),
  })
  const required = Math.ceil(need.seconds / interval) + 2
  if (fernet.max_active_keys >= required) return
  findings.error(
    node.file,
    SECTION,
    'max_active_keys',
    `rotation_interval = ${duration(interval)} and tokens must stay decryptable for ${need.label} = ${duration(need.seconds)}, which needs max_active_keys >= ${required} (Keystone FAQ: (expiration + allow_expired_window) / rotation_interval + 2); with ${fernet.max_active_keys} the automatic rotation waits on the rotation guard most of the time`,
    `set [${SECTION}] max_active_keys = ${required}, or a longer rotation_interval`,
  )
}

export async function checkDatabaseKeyStore(node: DoctorConfig, findings: Findings): Promise<void> {
  const fernet = node.config.get(fernetTokensOptions)
  try {
    readKeyEncryptionKey(fernet.key_encryption_key_file)
  } catch (error) {
    findings.error(
      node.file,
      SECTION,
      'key_encryption_key_file',
      error instanceof Error ? error.message : String(error),
      'copy the key-encryption key of the fleet here (mode 0600, owned by the user running Baton)',
    )
  }
  const opened = await openFleetDatabase(node.config)
  if (opened === undefined) {
    findings.warning(
      node.file,
      'database',
      'connection',
      'the identity database cannot be opened (or its schema is not current): the keys and the fleet were not checked',
      '`baton db sync`, and check [database] connection',
    )
    return
  }
  try {
    const set = await readKeySetInfo(opened.database.db, 'fernet_tokens')
    if (set === undefined) {
      findings.error(
        node.file,
        SECTION,
        'key_store',
        'the database holds no token keys: identity cannot start',
        `baton keys setup --config-file ${node.file}`,
      )
      return
    }
    const maxSkew = node.config.get(fleetOptions).max_clock_skew
    for (const peer of await readFleet(opened.database)) {
      if (!peer.live) continue
      const held = peer.fingerprints.fernet_tokens ?? []
      const missing = set.keys.filter((key) => !held.includes(key.fingerprint))
      if (missing.length > 0) {
        findings.warning(
          node.file,
          'fleet',
          'node_id',
          `node ${peer.nodeId} (${peer.address}) lags: it has not loaded key(s) ${missing.map((key) => `${key.number} (${key.fingerprint})`).join(', ')}; rotations wait for it`,
          'check that node’s log, its key_encryption_key_file and its database connection',
        )
      }
      if (peer.kekFingerprint !== null && peer.kekFingerprint !== set.kekFingerprint) {
        findings.error(
          node.file,
          'fleet',
          'node_id',
          `node ${peer.nodeId} holds a different key-encryption key (${peer.kekFingerprint}, the keys are wrapped with ${set.kekFingerprint})`,
          'copy the fleet’s key_encryption_key_file to that node',
        )
      }
      if (Math.abs(peer.skewMs) > maxSkew * 1000) {
        findings.warning(
          node.file,
          'fleet',
          'max_clock_skew',
          `node ${peer.nodeId}'s clock is ${(peer.skewMs / 1000).toFixed(1)} s off the database's (more than ${maxSkew} s): token expiry differs between nodes`,
          'run NTP (chrony, systemd-timesyncd) on every node',
        )
      }
    }
  } finally {
    await opened.database.close()
  }
}
