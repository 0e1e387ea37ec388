/**
 * `baton keys` with `[fernet_tokens] key_store = database` (Baton only): setup (the KEK file when
 * missing, then the key set in the identity database), rotate (guarded, refused while a live node
 * lags, a compare-and-set against a racing rotation), status (keys and fleet nodes), export to a
 * Keystone repository and import from one. Also the fleet check `rotate` runs with the files store.
 * @module
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Config } from '@baton/config'
import type { FleetNode, KeySetName, OpenedStore } from '@baton/identity'
import { duration, isoSeconds, table } from '../format.ts'
import type { CliIo } from '../io.ts'

type Settings = {
  maxActiveKeys: number
  tokenExpiration: number
  allowExpiredWindow: number
  delegationLifetime: number
}

export type DatabaseTarget = {
  readonly config: Config
  readonly repository: KeySetName
  readonly settings: Settings
}

async function withStore<T>(config: Config, run: (opened: OpenedStore) => Promise<T>): Promise<T> {
  const { openCurrentStore } = await import('@baton/identity')
  const opened = await openCurrentStore(config)
  try {
    return await run(opened)
  } finally {
    await opened.database.close()
  }
}

async function kekFile(config: Config): Promise<string> {
  const { fernetTokensOptions } = await import('@baton/identity')
  return config.get(fernetTokensOptions).key_encryption_key_file
}

async function readKek(config: Config) {
  const { readKeyEncryptionKey } = await import('@baton/fernet')
  return readKeyEncryptionKey(await kekFile(config))
}

function label(repository: KeySetName): string {
  return repository === 'fernet_receipts' ? 'receipt keys' : 'token keys'
}

export async function setupInDatabase(target: DatabaseTarget, io: CliIo): Promise<void> {
  const { createKeyEncryptionKeyFile } = await import('@baton/fernet')
  const { setupKeySet } = await import('@baton/identity')
  const path = await kekFile(target.config)
  if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  if (createKeyEncryptionKeyFile(path)) {
    io.out(`Created the key-encryption key ${path} (mode 0600); copy it to every identity node.`)
  }
  const kek = await readKek(target.config)
  await withStore(target.config, async ({ database }) => {
    const result = await setupKeySet(database.db, target.repository, kek, io.now())
    const keys = result.keys.map((key, i) => `${key.number} ${i === 0 ? 'primary' : 'staged'}`)
    io.out(
      result.created
        ? `Created the ${label(target.repository)} in the database: ${keys.join(', ')}`
        : `The database already holds ${label(target.repository)}; nothing was overwritten: ${keys.join(', ')}`,
    )
  })
}

export async function rotateInDatabase(
  target: DatabaseTarget,
  force: boolean,
  io: CliIo,
): Promise<void> {
  const { laggingNodes, rotateKeySet } = await import('@baton/identity')
  const kek = await readKek(target.config)
  await withStore(target.config, async ({ database }) => {
    const result = await rotateKeySet(database.db, {
      ...target.settings,
      repository: target.repository,
      kek,
      now: io.now(),
      force,
      laggingNodes: (fingerprint) => laggingNodes(database, target.repository, fingerprint),
    })
    const what = target.repository === 'fernet_receipts' ? 'Receipt keys: p' : 'P'
    io.out(
      `${what}romoted key ${result.promoted.number} (${result.promoted.fingerprint}) to primary; staged new key 0 (${result.staged.fingerprint}).`,
    )
    for (const key of result.purged) io.out(`Purged key ${key.number} (${key.fingerprint}).`)
    for (const key of result.broken) {
      io.err(
        `baton: warning: --force overrode the rotation guard: purged key ${key.number} (${key.fingerprint}) while tokens it encrypted could still be valid${key.neededUntil === null ? '' : ` until ${isoSeconds(key.neededUntil)}`}`,
      )
    }
    if (result.lagging.length > 0) {
      io.err(
        `baton: warning: --force overrode the fleet check: ${result.lagging.join(', ')} had not loaded the new primary key; tokens it issues fail there until they do`,
      )
    }
    io.out(`Keys now (generation ${result.generation}): ${describe(result.keys)}`)
  })
}

function describe(keys: readonly { number: number }[]): string {
  return keys
    .map(
      (key, i) =>
        `${key.number} ${i === 0 ? 'primary' : key.number === 0 ? 'staged' : 'secondary'}`,
    )
    .join(', ')
}

/**
 * With the files key store: the live nodes that have not loaded the staged key of `path` (an
 * rsync that has not reached them). Empty when there is no database to ask.
 */
export async function laggingForFiles(
  config: Config,
  repository: KeySetName,
  path: string,
): Promise<string[]> {
  const { readKeyFiles } = await import('@baton/fernet')
  const { laggingNodes, openFleetDatabase } = await import('@baton/identity')
  let staged: string | undefined
  try {
    staged = readKeyFiles(path, { warn: () => {} }).find((file) => file.number === 0)?.fingerprint
  } catch {
    return [] // the rotation itself reports an unusable repository
  }
  if (staged === undefined) return []
  const opened = await openFleetDatabase(config)
  if (opened === undefined) return []
  try {
    return await laggingNodes(opened.database, repository, staged)
  } catch {
    return []
  } finally {
    await opened.database.close()
  }
}

export async function statusInDatabase(
  target: DatabaseTarget,
  json: boolean,
  io: CliIo,
): Promise<void> {
  const { readKeySetInfo } = await import('@baton/identity')
  await withStore(target.config, async ({ database }) => {
    const info = await readKeySetInfo(database.db, target.repository)
    const nodes = await fleetNodes(database)
    const skew = await maxSkew(target.config)
    const now = io.now()
    const { leaseHolder, ROTATION_LEASE } = await import('@baton/identity')
    const held = await leaseHolder(database, ROTATION_LEASE)
    const lease = held !== undefined && held.expiresInMs > 0 ? held : undefined
    if (json) {
      io.out(JSON.stringify({ keySet: info ?? null, nodes, rotationLease: lease ?? null }, null, 2))
      return
    }
    if (info === undefined) {
      io.out(`The database holds no ${label(target.repository)} (run \`baton keys setup\`).`)
    } else {
      io.out(
        `${label(target.repository)} in the database (generation ${info.generation}, key-encryption key ${info.kekFingerprint}):`,
      )
      const rows = info.keys.map((key) => [
        String(key.number),
        key.role,
        key.fingerprint,
        key.createdAt === undefined ? 'unknown' : duration((now - key.createdAt) / 1000),
        key.retiredAt === undefined ? '' : `${duration((now - key.retiredAt) / 1000)} ago`,
      ])
      for (const line of table([['key', 'role', 'fingerprint', 'age', 'retired'], ...rows]))
        io.out(line)
    }
    io.out('')
    printNodes(nodes, target.repository, info, skew, io)
    if (lease !== undefined) {
      io.out(
        `Automatic rotation: node ${lease.holder} holds the rotation lease (for ${(lease.expiresInMs / 1000).toFixed(1)} s more).`,
      )
    }
  })
}

async function fleetNodes(database: OpenedStore['database']): Promise<FleetNode[]> {
  const { readFleet } = await import('@baton/identity')
  return readFleet(database)
}

async function maxSkew(config: Config): Promise<number> {
  const { fleetOptions } = await import('@baton/identity')
  return config.get(fleetOptions).max_clock_skew
}

/** The fleet table of `baton keys status` (both key stores). */
export function printNodes(
  nodes: readonly FleetNode[],
  repository: KeySetName,
  current: { keys: readonly { fingerprint: string }[]; kekFingerprint?: string } | undefined,
  maxSkewSeconds: number,
  io: CliIo,
): void {
  if (nodes.length === 0) {
    io.out('Nodes: none has sent a heartbeat.')
    return
  }
  io.out('Nodes:')
  const want = current?.keys.map((key) => key.fingerprint) ?? []
  const rows = nodes.map((node) => {
    const held = node.fingerprints[repository] ?? node.fingerprints.fernet_tokens ?? []
    const missing = want.filter((fingerprint) => !held.includes(fingerprint))
    const state = !node.live
      ? 'gone'
      : missing.length > 0
        ? `LAGGING (missing ${missing.join(', ')})`
        : 'current'
    const kek =
      current?.kekFingerprint === undefined || node.kekFingerprint === null
        ? ''
        : node.kekFingerprint === current.kekFingerprint
          ? ''
          : ` DIFFERENT KEK ${node.kekFingerprint}`
    const skew =
      Math.abs(node.skewMs) > maxSkewSeconds * 1000
        ? ` SKEW ${(node.skewMs / 1000).toFixed(1)} s`
        : ''
    return [
      node.nodeId,
      node.address,
      node.keyStore,
      `${held.length} keys`,
      `${(node.ageMs / 1000).toFixed(1)} s ago`,
      `${state}${kek}${skew}`,
    ]
  })
  for (const line of table([['node', 'address', 'store', 'holds', 'last seen', 'state'], ...rows]))
    io.out(line)
  for (const node of nodes) {
    if (node.live && Math.abs(node.skewMs) > maxSkewSeconds * 1000) {
      io.err(
        `baton: warning: node ${node.nodeId}'s clock is ${(node.skewMs / 1000).toFixed(1)} s off the database's (more than [fleet] max_clock_skew = ${maxSkewSeconds} s)`,
      )
    }
  }
}

/** Writes the database's keys as a Keystone repository: a 0700 directory, 0600 files. */
export async function exportFromDatabase(
  target: DatabaseTarget,
  dir: string,
  io: CliIo,
): Promise<void> {
  const { FernetError, FernetErrorCode, serializeHistory } = await import('@baton/fernet')
  const { readKeySet } = await import('@baton/identity')
  const kek = await readKek(target.config)
  const set = await withStore(target.config, ({ database }) =>
    readKeySet(database.db, target.repository, kek),
  )
  if (set === undefined) {
    throw new FernetError(
      FernetErrorCode.NoKeys,
      `the database holds no ${label(target.repository)} to export`,
    )
  }
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new FernetError(
      FernetErrorCode.WriteFailed,
      `export: ${dir} is not empty; name a new or empty directory`,
    )
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  for (const key of set.keys) {
    writeFileSync(join(dir, String(key.number)), key.key, { mode: 0o600, flag: 'wx' })
  }
  const { asKeyFiles } = await import('@baton/identity')
  const { history } = asKeyFiles(set)
  writeFileSync(
    join(dir, '.baton-key-history.json'),
    serializeHistory(
      history,
      set.keys.map((key) => key.fingerprint),
    ),
    { mode: 0o600, flag: 'wx' },
  )
  io.out(`Exported ${set.keys.length} ${label(target.repository)} to ${dir}: ${describe(set.keys)}`)
}

/** Moves a Keystone repository into the database (replacing the set there, compare-and-set). */
export async function importIntoDatabase(
  target: DatabaseTarget,
  dir: string,
  io: CliIo,
): Promise<void> {
  const { checkRepositoryDirectory, readHistory, readKeyFiles } = await import('@baton/fernet')
  const { importKeySet } = await import('@baton/identity')
  const logger = { warn: (message: string) => io.err(`baton: warning: ${message}`) }
  checkRepositoryDirectory(dir)
  const files = readKeyFiles(dir, logger)
  const history = readHistory(dir, logger)
  const kek = await readKek(target.config)
  await withStore(target.config, async ({ database }) => {
    const result = await importKeySet(database.db, target.repository, kek, files, history, io.now())
    io.out(
      `Imported ${files.length} ${label(target.repository)} from ${dir} into the database${result.replaced ? ' (replacing the keys it held)' : ''}: ${describe(result.keys)}`,
    )
  })
}
