/**
 * Changing a database key set: setup (the first primary and staged key), rotation (Keystone's
 * numbering and purge, refused by Baton's rotation guard) and import of a Keystone repository.
 * Each reads the set, decides, then writes the whole set through writeKeySet's compare-and-set.
 * @module
 */
import {
  type DroppedKey,
  evaluateRotation,
  FernetError,
  FernetErrorCode,
  type GuardOptions,
  type GuardVerdict,
  generateKey,
  type KeyEncryptionKey,
  type KeyFile,
  type KeyHistory,
  type KeyInfo,
  keyFingerprint,
  suggestion,
} from '@baton/fernet'
import {
  asKeyFiles,
  type Db,
  type KeySetName,
  type NewKey,
  readGeneration,
  readKeySet,
  readKeySetInfo,
  type StoredKey,
  sortKeys,
  writeKeySet,
} from './key_set_store.ts'
export type DatabaseSetupResult = { created: boolean; keys: KeyInfo[] }

/** keystone-manage fernet_setup's end state: `1` primary, `0` staged. Never overwrites a set. */
export async function setupKeySet(
  db: Db,
  repository: KeySetName,
  kek: KeyEncryptionKey,
  now: number,
): Promise<DatabaseSetupResult> {
  const existing = await readKeySetInfo(db, repository)
  if (existing !== undefined) return { created: false, keys: existing.keys.map(info) }
  const keys: NewKey[] = [
    { number: 1, key: generateKey(), createdAt: now, promotedAt: now },
    { number: 0, key: generateKey(), createdAt: now },
  ]
  await writeKeySet(db, repository, kek, keys, null, now)
  return {
    created: true,
    keys: keys.map((key) => ({ number: key.number, fingerprint: keyFingerprint(key.key) })),
  }
}

function info(key: { number: number; fingerprint: string }): KeyInfo {
  return { number: key.number, fingerprint: key.fingerprint }
}

export type DatabaseRotateOptions = GuardOptions & {
  repository: KeySetName
  kek: KeyEncryptionKey
  maxActiveKeys: number
  now: number
  /** Overrides the guard and the fleet check; the result says what it overrode. */
  force?: boolean
  /**
   * The live nodes that have not loaded `stagedFingerprint` (the key about to become primary);
   * the rotation refuses while there are any, unless forced.
   */
  laggingNodes?: (stagedFingerprint: string) => Promise<readonly string[]>
}

export type DatabaseRotation = {
  generation: number
  promoted: KeyInfo
  staged: KeyInfo
  purged: DroppedKey[]
  /** Purged keys valid tokens may still need (non-empty only when forced). */
  broken: DroppedKey[]
  /** Nodes that had not loaded the promoted key (non-empty only when forced). */
  lagging: readonly string[]
  keys: KeyInfo[]
}

/** keystone fernet_utils.rotate_keys on the database's set, guarded; one transaction. */
export async function rotateKeySet(
  db: Db,
  options: DatabaseRotateOptions,
): Promise<DatabaseRotation> {
  const { repository, kek, now } = options
  const set = await readKeySet(db, repository, kek)
  if (set === undefined) {
    throw new FernetError(
      FernetErrorCode.NoKeys,
      `the database holds no ${repository} keys (run \`baton keys setup\` first)`,
    )
  }
  const { files, history } = asKeyFiles(set)
  const staged = files.find((file) => file.number === 0)
  if (staged === undefined) {
    throw new FernetError(
      FernetErrorCode.NoStagedKey,
      `cannot rotate the database's ${repository} keys: there is no staged key 0`,
    )
  }
  const verdict = evaluateRotation({ ...options, files, history, now })
  const force = options.force === true
  if (verdict.blocking.length > 0 && !force) {
    throw new FernetError(FernetErrorCode.RotationUnsafe, refusal(repository, verdict))
  }
  const lagging = (await options.laggingNodes?.(staged.fingerprint)) ?? []
  if (lagging.length > 0 && !force) {
    throw new FernetError(
      FernetErrorCode.FleetLagging,
      `refusing to rotate the ${repository} keys: live node(s) ${lagging.join(', ')} have not loaded staged key 0 (fingerprint ${staged.fingerprint}), which this rotation would make primary: tokens it encrypts would not validate there. Wait for them to pick it up (or fix their key distribution), or rotate with --force`,
    )
  }
  const purged = new Set(verdict.plan.purged.map((file) => file.number))
  const primary = files[0]
  const newPrimary = verdict.plan.newPrimaryNumber
  const next: NewKey[] = set.keys
    .filter((key) => !purged.has(key.number))
    .map((key) => {
      if (key.number === 0) {
        return { ...timesOf(key), number: newPrimary, key: key.key, promotedAt: now }
      }
      if (key.number === primary?.number)
        return { ...timesOf(key), number: key.number, key: key.key, retiredAt: now }
      return { ...timesOf(key), number: key.number, key: key.key }
    })
  const newKey = generateKey()
  next.push({ number: 0, key: newKey, createdAt: now })
  const generation = await writeKeySet(db, repository, kek, next, set.generation, now)
  const after = sortKeys(
    next.map((key) => ({ number: key.number, fingerprint: keyFingerprint(key.key) })),
  )
  return {
    generation,
    promoted: { number: newPrimary, fingerprint: staged.fingerprint },
    staged: { number: 0, fingerprint: keyFingerprint(newKey) },
    purged: verdict.dropped,
    broken: verdict.blocking,
    lagging,
    keys: after,
  }
}

function timesOf(key: StoredKey): Omit<NewKey, 'number' | 'key'> {
  return { createdAt: key.createdAt, promotedAt: key.promotedAt, retiredAt: key.retiredAt }
}

function refusal(repository: KeySetName, verdict: GuardVerdict): string {
  const lines = [
    `refusing to rotate the database's ${repository} keys: the purge would drop keys that valid tokens may still need`,
    ...verdict.reasons.map((line) => `  ${line}`),
  ]
  if (verdict.earliestSafeRotation !== null) {
    lines.push(`earliest safe rotation: ${new Date(verdict.earliestSafeRotation).toISOString()}`)
  } else if (!verdict.reasons.some((line) => line.startsWith('raise'))) {
    lines.push(suggestion(verdict.minMaxActiveKeys, 'expiration + allow_expired_window'))
  }
  return lines.join('\n')
}

/**
 * Moves keys in (`baton keys import`): replaces the database's set with `keys` (a Keystone
 * repository's files, with the history sidecar's times when present).
 */
export async function importKeySet(
  db: Db,
  repository: KeySetName,
  kek: KeyEncryptionKey,
  files: readonly KeyFile[],
  history: KeyHistory,
  now: number,
): Promise<{ generation: number; replaced: boolean; keys: KeyInfo[] }> {
  if (files.length === 0) {
    throw new FernetError(FernetErrorCode.NoKeys, 'the repository to import holds no keys')
  }
  const current = await readGeneration(db, repository)
  const keys: NewKey[] = files.map((file) => {
    const record = history.get(file.fingerprint)
    return {
      number: file.number,
      key: file.key,
      createdAt: record?.createdAt,
      promotedAt: record?.promotedAt,
      retiredAt: record?.retiredAt,
    }
  })
  const generation = await writeKeySet(db, repository, kek, keys, current ?? null, now)
  return { generation, replaced: current !== undefined, keys: files.map(info) }
}
