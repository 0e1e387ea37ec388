/**
 * The fleet's heartbeats (`fleet_node`): each identity node records, every
 * `[fleet] heartbeat_interval`, which key fingerprints it has loaded, its KEK fingerprint and its
 * clock, stamped with the database's clock. A node seen within three of its intervals is live; a
 * live node that lacks the staged key holds rotations back (it could not validate tokens made
 * with that key once it is primary).
 * @module
 */
import type { StoreDatabase } from '../store/index.ts'
import { databaseNowMicros } from './database_clock.ts'
import type { KeySetName } from './key_set_store.ts'

export type Heartbeat = {
  readonly nodeId: string
  readonly address: string
  readonly intervalSeconds: number
  readonly keyStore: string
  readonly fingerprints: Partial<Record<KeySetName, readonly string[]>>
  readonly kekFingerprint: string | null
  readonly version: string
  /** The node's clock, ms. */
  readonly now: number
}

/** One upsert, as plain update-then-insert so it runs on every dialect. */
export async function recordHeartbeat(database: StoreDatabase, beat: Heartbeat): Promise<void> {
  const lastSeen = await databaseNowMicros(database)
  const values = {
    address: beat.address,
    last_seen: lastSeen,
    clock: Math.round(beat.now * 1000),
    heartbeat_interval: beat.intervalSeconds,
    key_store: beat.keyStore,
    key_fingerprints: JSON.stringify(beat.fingerprints),
    kek_fingerprint: beat.kekFingerprint,
    version: beat.version,
  }
  const { db } = database
  const update = () =>
    db.updateTable('fleet_node').set(values).where('node_id', '=', beat.nodeId).executeTakeFirst()
  if (Number((await update()).numUpdatedRows) > 0) return
  try {
    await db
      .insertInto('fleet_node')
      .values({ node_id: beat.nodeId, ...values })
      .execute()
  } catch {
    await update() // another worker of this node inserted it first
  }
}

export type FleetNode = {
  nodeId: string
  address: string
  keyStore: string
  fingerprints: Partial<Record<KeySetName, string[]>>
  kekFingerprint: string | null
  version: string
  /** ms since the heartbeat, on the database clock. */
  ageMs: number
  live: boolean
  /** The node's clock minus the database's at its last heartbeat, ms. */
  skewMs: number
  intervalSeconds: number
}

export async function readFleet(database: StoreDatabase): Promise<FleetNode[]> {
  const now = await databaseNowMicros(database)
  const rows = await database.db.selectFrom('fleet_node').selectAll().orderBy('node_id').execute()
  return rows.map((row) => {
    const ageMs = (now - Number(row.last_seen)) / 1000
    const interval = Number(row.heartbeat_interval)
    return {
      nodeId: row.node_id,
      address: row.address,
      keyStore: row.key_store,
      fingerprints: parseFingerprints(row.key_fingerprints),
      kekFingerprint: row.kek_fingerprint,
      version: row.version,
      ageMs,
      live: ageMs <= 3 * interval * 1000,
      skewMs: (Number(row.clock) - Number(row.last_seen)) / 1000,
      intervalSeconds: interval,
    }
  })
}

function parseFingerprints(text: string): Partial<Record<KeySetName, string[]>> {
  try {
    const parsed: unknown = JSON.parse(text)
    const out: Partial<Record<KeySetName, string[]>> = {}
    if (typeof parsed !== 'object' || parsed === null) return out
    for (const name of ['fernet_tokens', 'fernet_receipts'] as const) {
      const list = (parsed as Record<string, unknown>)[name]
      if (Array.isArray(list)) out[name] = list.filter((item) => typeof item === 'string')
    }
    return out
  } catch {
    return {}
  }
}

/** Live nodes that report `repository`'s keys without `fingerprint`, named by id and address. */
export async function laggingNodes(
  database: StoreDatabase,
  repository: KeySetName,
  fingerprint: string,
): Promise<string[]> {
  const fleet = await readFleet(database)
  return fleet
    .filter((node) => node.live && !holds(node, repository, fingerprint))
    .map((node) => `${node.nodeId} (${node.address})`)
}

function holds(node: FleetNode, repository: KeySetName, fingerprint: string): boolean {
  const list = node.fingerprints[repository]
  // A node whose receipts use the token keys reports no receipt list: nothing to hold back.
  if (list === undefined) return repository !== 'fernet_tokens'
  return list.includes(fingerprint)
}
