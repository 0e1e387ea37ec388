/**
 * How a fleet's nodes share their token keys: the one pluggable part of the fleet harness.
 *
 * - `files` (what main has): each node has its own key directory (`key_store = files`); one node
 *   rotates (`baton keys rotate` on its directory) and the harness copies that directory to every
 *   other node, an rsync stand-in (each file to a scratch dir beside the repository, then renamed
 *   in: a node never reads a half-written key). The order is Keystone's: the staged key a rotation
 *   creates reaches every node before the next rotation promotes it, so any node can always decrypt
 *   what any other node encrypts; `max_active_keys` is sized so no key still needed for
 *   `expiration + allow_expired_window` is purged (baton's rotation guard refuses otherwise, and a
 *   refusal is counted, never forced).
 * - `database` (`[fernet_tokens] key_store = database`, docs/fleet.md): keys in the database,
 *   wrapped with a key-encryption key file (each node has its own copy, same content, 0600: url-safe
 *   base64 of 32 bytes, what `readKeyEncryptionKey` accepts); `baton keys setup` on one node makes
 *   the first primary + staged key in the shared database (it keeps a KEK file that exists); node
 *   heartbeats every second and automatic rotation (`rotation_interval`) by the node holding the
 *   rotation lease; the harness never rotates by hand. `key_repository` names a directory that is
 *   never created, so `keyFilesOnDisk` can show that no node wrote a key file.
 *
 * The default is `database` when this build knows `[fernet_tokens] key_store`, else `files`;
 * `BATON_FLEET_KEYS=files|database` picks one.
 * @module
 */
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { identityOptionGroups } from '@baton/identity'
import { batonCommand } from './fleet_node.ts'

export type FleetKeyMode = 'files' | 'database'

/** What a node's key handling needs to know about it. */
export type KeyNode = { readonly name: string; readonly conf: string; readonly dir: string }

export type KeyTimings = {
  /** `[token] expiration` and `allow_expired_window`, seconds. */
  readonly expiration: number
  readonly window: number
  /** Seconds between rotations (by hand in files mode, `rotation_interval` in database mode). */
  readonly rotationInterval: number
}

export type RotationOutcome =
  | { readonly rotated: true /** ms from `keys rotate` to the last node's copy */; ms: number }
  | { readonly rotated: false; readonly reason: string }

/** The database key set and the nodes' heartbeats, from `baton keys status --json`. */
export type KeyStatus = {
  readonly generation: number
  /** When the primary became primary (ms since the epoch, the database's clock), if known. */
  readonly promotedAt: number | null
  /** Fingerprints, primary first. */
  readonly keys: readonly string[]
  /** The node holding the automatic-rotation lease, if one does. */
  readonly leaseHolder: string | null
  readonly nodes: readonly {
    readonly nodeId: string
    readonly live: boolean
    readonly fingerprints: readonly string[]
  }[]
}

export type FleetKeys = {
  readonly mode: FleetKeyMode
  /** One line for the test's output: which mode, and why. */
  readonly note: string
  /** true: the harness rotates (`rotate()`); false: the fleet rotates itself. */
  readonly handRotation: boolean
  /** The node's `[fernet_tokens]` section (and `[fleet]` in database mode). */
  configLines(node: KeyNode): string[]
  /** After every config is written, before `db sync` and the nodes start. */
  prepare(nodes: readonly KeyNode[]): Promise<void>
  /** Files mode: rotate on the first node, copy to the others. Database mode: nothing. */
  rotate(nodes: readonly KeyNode[]): Promise<RotationOutcome>
  /** Database mode: the key set and heartbeats now; files mode: null. */
  status(nodes: readonly KeyNode[]): Promise<KeyStatus | null>
}

/** Does this build have `[fernet_tokens] key_store` (the database key store)? */
export function databaseKeyStoreAvailable(): boolean {
  const group = identityOptionGroups.find((g) => g.name === 'fernet_tokens')
  return group !== undefined && 'key_store' in group.options
}

export function chooseKeyMode(env: string | undefined = process.env.BATON_FLEET_KEYS): {
  mode: FleetKeyMode
  note: string
} {
  const available = databaseKeyStoreAvailable()
  if (env === 'files') return { mode: 'files', note: 'keys: files (BATON_FLEET_KEYS=files)' }
  if (env === 'database') {
    if (!available) {
      throw new Error(
        'BATON_FLEET_KEYS=database, but this build has no [fernet_tokens] key_store option',
      )
    }
    return { mode: 'database', note: 'keys: database (BATON_FLEET_KEYS=database)' }
  }
  if (env !== undefined && env !== '') throw new Error(`BATON_FLEET_KEYS=${env}: files|database`)
  return available
    ? { mode: 'database', note: 'keys: database (default: this build has key_store)' }
    : {
        mode: 'files',
        note:
          'keys: files, rotated by hand and copied to each node (this build has no ' +
          '[fernet_tokens] key_store = database yet)',
      }
}

const keyRepository = (node: KeyNode) => join(node.dir, 'fernet-keys')

/** Keys that must stay: rotations within `expiration + window`, the primary and the staged key. */
export function maxActiveKeys(t: KeyTimings): number {
  return Math.ceil((t.expiration + t.window) / t.rotationInterval) + 3
}

/**
 * The rsync stand-in: every file of `from` reaches `to` through a scratch dir and a rename (new
 * numbers first, key 0 last), then files `from` no longer has are removed.
 */
export function copyKeyRepository(from: string, to: string, scratch: string): void {
  mkdirSync(scratch, { recursive: true, mode: 0o700 })
  const names = readdirSync(from)
  const order = (n: string) => (/^\d+$/.test(n) ? -Number(n) : 1)
  for (const name of [...names].sort((a, b) => order(a) - order(b))) {
    const staged = join(scratch, name)
    copyFileSync(join(from, name), staged)
    chmodSync(staged, 0o600)
    renameSync(staged, join(to, name))
  }
  for (const name of readdirSync(to)) {
    if (!names.includes(name)) rmSync(join(to, name), { force: true })
  }
}

function filesKeys(t: KeyTimings, note: string): FleetKeys {
  const sync = (nodes: readonly KeyNode[]) => {
    const [source, ...others] = nodes
    if (source === undefined) return
    for (const node of others) {
      mkdirSync(keyRepository(node), { recursive: true, mode: 0o700 })
      copyKeyRepository(keyRepository(source), keyRepository(node), join(node.dir, 'keys-incoming'))
    }
  }
  return {
    mode: 'files',
    note,
    handRotation: true,
    configLines: (node) => [
      '[fernet_tokens]',
      // named once the option exists (main only has files, and warns about an unknown option)
      ...(databaseKeyStoreAvailable() ? ['key_store = files'] : []),
      `key_repository = ${keyRepository(node)}`,
      `max_active_keys = ${maxActiveKeys(t)}`,
      // the fleet check (same build as key_store) refuses a rotation until every live node's
      // heartbeat reports the copied staged key: beat every second, not every 5, at this pace
      ...(databaseKeyStoreAvailable() ? ['[fleet]', 'heartbeat_interval = 1'] : []),
    ],
    async prepare(nodes) {
      const first = nodes[0]
      if (first === undefined) return
      await batonCommand(['keys', 'setup', '--config-file', first.conf])
      sync(nodes)
    },
    status: async () => null,
    async rotate(nodes) {
      const first = nodes[0]
      if (first === undefined) return { rotated: false, reason: 'no nodes' }
      const started = performance.now()
      try {
        await batonCommand(['keys', 'rotate', '--config-file', first.conf])
      } catch (error) {
        // the guard refused (a key still needed would be purged) or the fleet check did (a node's
        // heartbeat has not yet reported the last copy): counted, never forced
        return { rotated: false, reason: error instanceof Error ? error.message : String(error) }
      }
      sync(nodes)
      return { rotated: true, ms: performance.now() - started }
    },
  }
}

const kekFile = (node: KeyNode) => join(node.dir, 'key-encryption-key')
/** Named in the config so a node that wrote key files would be seen; never created. */
const unusedKeyRepository = (node: KeyNode) => join(node.dir, 'fernet-keys-never-created')

function databaseKeys(t: KeyTimings, note: string): FleetKeys {
  // one key-encryption key for the fleet, copied to each node's own path (as a deployment would)
  const kek = randomBytes(32).toString('base64url')
  return {
    mode: 'database',
    note,
    handRotation: false,
    configLines: (node) => [
      '[fernet_tokens]',
      'key_store = database',
      `key_encryption_key_file = ${kekFile(node)}`,
      `key_repository = ${unusedKeyRepository(node)}`,
      `rotation_interval = ${t.rotationInterval}`,
      `max_active_keys = ${maxActiveKeys(t)}`,
      '[fleet]',
      `node_id = ${node.name}`,
      'heartbeat_interval = 1',
    ],
    async prepare(nodes) {
      for (const node of nodes) writeFileSync(kekFile(node), `${kek}\n`, { mode: 0o600 })
      // the first keys go to the shared database once; every node unwraps them with its KEK copy
      const first = nodes[0]
      if (first !== undefined) await batonCommand(['keys', 'setup', '--config-file', first.conf])
    },
    rotate: async () => ({ rotated: false, reason: 'database mode: the fleet rotates itself' }),
    async status(nodes) {
      const first = nodes[0]
      if (first === undefined) return null
      const out = await batonCommand(['keys', 'status', '--json', '--config-file', first.conf])
      return parseKeyStatus(out)
    },
  }
}

/** `baton keys status --json` (database key store) read as a KeyStatus. */
export function parseKeyStatus(json: string): KeyStatus {
  const parsed = JSON.parse(json) as {
    keySet: { generation: number; keys: { fingerprint: string; promotedAt?: number }[] } | null
    nodes: { nodeId: string; live: boolean; fingerprints: { fernet_tokens?: string[] } }[]
    rotationLease?: { holder: string } | null
  }
  if (parsed.keySet === null) throw new Error('the database holds no token keys')
  return {
    generation: parsed.keySet.generation,
    promotedAt: parsed.keySet.keys[0]?.promotedAt ?? null,
    leaseHolder: parsed.rotationLease?.holder ?? null,
    keys: parsed.keySet.keys.map((k) => k.fingerprint),
    nodes: parsed.nodes.map((n) => ({
      nodeId: n.nodeId,
      live: n.live,
      fingerprints: n.fingerprints.fernet_tokens ?? [],
    })),
  }
}

/**
 * Files under a node's directory that could hold token keys: anything but its config, its KEK
 * copy and its credential keys (which stay files in both modes). Empty in database mode.
 */
export function keyFilesOnDisk(node: KeyNode): string[] {
  const expected = new Set(['identity.conf', 'key-encryption-key', 'credential-keys'])
  // unusedKeyRepository is inside node.dir: were it created, it would be listed here
  return readdirSync(node.dir)
    .filter((name) => !expected.has(name))
    .map((name) => join(node.dir, name))
}

export function fleetKeys(t: KeyTimings, choice = chooseKeyMode()): FleetKeys {
  return choice.mode === 'files' ? filesKeys(t, choice.note) : databaseKeys(t, choice.note)
}
