/**
 * The database key store (`[fernet_tokens] key_store = database`): a repository's Fernet keys as
 * rows of `fernet_key`, each wrapped by the key-encryption key, and one `fernet_key_set` row whose
 * generation moves at every change. Reading a set, and writing a whole set in one transaction
 * after a compare-and-set on the generation: of two racing writers one wins, the other fails with
 * RotationRace. What changes a set (setup, rotation, import) is in key_set_changes.ts.
 * @module
 */
import {
  FernetError,
  FernetErrorCode,
  type KeyEncryptionKey,
  type KeyFile,
  type KeyHistory,
  keyFingerprint,
  unwrapKey,
  wrapKey,
} from '@baton/fernet'
import type { Kysely } from 'kysely'
import type { Schema } from '../store/schema.ts'

/** The two repositories a database may hold; credential keys stay files. */
export type KeySetName = 'fernet_tokens' | 'fernet_receipts'

export type StoredKey = {
  readonly number: number
  readonly role: 'primary' | 'secondary' | 'staged'
  readonly fingerprint: string
  /** The key text; non-enumerable so logging a key list does not reveal it. */
  readonly key: string
  /** ms since the epoch */
  readonly createdAt?: number
  readonly promotedAt?: number
  readonly retiredAt?: number
}

export type KeySet = {
  readonly repository: KeySetName
  readonly generation: number
  readonly kekFingerprint: string
  /** Primary first, staged `0` last (the MultiFernet order). */
  readonly keys: readonly StoredKey[]
}

export type Db = Kysely<Schema>

/** The generation of a key set, or undefined when there is none: the cheap poll. */
export async function readGeneration(db: Db, repository: KeySetName): Promise<number | undefined> {
  const row = await db
    .selectFrom('fernet_key_set')
    .select('generation')
    .where('repository', '=', repository)
    .executeTakeFirst()
  return row === undefined ? undefined : Number(row.generation)
}

/** Fingerprints and history only: no KEK needed (status, setup's "already there"). */
export async function readKeySetInfo(
  db: Db,
  repository: KeySetName,
): Promise<
  { generation: number; kekFingerprint: string; keys: Omit<StoredKey, 'key'>[] } | undefined
> {
  const set = await db
    .selectFrom('fernet_key_set')
    .selectAll()
    .where('repository', '=', repository)
    .executeTakeFirst()
  if (set === undefined) return undefined
  const rows = await db
    .selectFrom('fernet_key')
    .selectAll()
    .where('repository', '=', repository)
    .execute()
  const keys = rows.map((row) => ({
    number: Number(row.number),
    role: row.role as StoredKey['role'],
    fingerprint: row.fingerprint,
    ...times(row),
  }))
  return {
    generation: Number(set.generation),
    kekFingerprint: set.kek_fingerprint,
    keys: sortKeys(keys),
  }
}

function times(row: {
  created_at: number | null
  promoted_at: number | null
  retired_at: number | null
}): { createdAt?: number; promotedAt?: number; retiredAt?: number } {
  const out: { createdAt?: number; promotedAt?: number; retiredAt?: number } = {}
  if (row.created_at !== null) out.createdAt = Math.floor(Number(row.created_at) / 1000)
  if (row.promoted_at !== null) out.promotedAt = Math.floor(Number(row.promoted_at) / 1000)
  if (row.retired_at !== null) out.retiredAt = Math.floor(Number(row.retired_at) / 1000)
  return out
}

export function sortKeys<T extends { number: number }>(keys: T[]): T[] {
  return keys.sort((a, b) => b.number - a.number)
}

/**
 * The key set, unwrapped; undefined when the database holds none. A KEK other than the one the
 * set was wrapped with throws one KeyEncryptionKey line naming its file.
 */
export async function readKeySet(
  db: Db,
  repository: KeySetName,
  kek: KeyEncryptionKey,
): Promise<KeySet | undefined> {
  const info = await readKeySetInfo(db, repository)
  if (info === undefined) return undefined
  if (info.kekFingerprint !== kek.fingerprint) {
    throw new FernetError(
      FernetErrorCode.KeyEncryptionKey,
      `key_encryption_key_file ${kek.path} (fingerprint ${kek.fingerprint}) is not the key-encryption key the database's ${repository} keys were wrapped with (fingerprint ${info.kekFingerprint})`,
    )
  }
  const rows = await db
    .selectFrom('fernet_key')
    .select(['number', 'role', 'wrapped'])
    .where('repository', '=', repository)
    .execute()
  const wrapped = new Map(rows.map((row) => [Number(row.number), row]))
  const keys = info.keys.map((key) => {
    const row = wrapped.get(key.number)
    const text = unwrapKey(kek, row?.wrapped ?? '', {
      repository,
      number: key.number,
      role: key.role,
    })
    if (keyFingerprint(text) !== key.fingerprint) {
      throw new FernetError(
        FernetErrorCode.KeyEncryptionKey,
        `the database's ${repository} key ${key.number} does not match its fingerprint`,
      )
    }
    return withKey(key, text)
  })
  return { repository, generation: info.generation, kekFingerprint: info.kekFingerprint, keys }
}

function withKey(key: Omit<StoredKey, 'key'>, text: string): StoredKey {
  const stored = { ...key } as StoredKey
  Object.defineProperty(stored, 'key', { value: text, enumerable: false })
  return Object.freeze(stored)
}

/** Keys in the shape the rotation guard reads (a repository's files). */
export function asKeyFiles(set: KeySet): { files: KeyFile[]; history: KeyHistory } {
  const files = set.keys.map((key) => ({
    number: key.number,
    name: String(key.number),
    path: `${set.repository} key ${key.number}`,
    key: key.key,
    fingerprint: key.fingerprint,
  }))
  const history: KeyHistory = new Map()
  for (const key of set.keys) {
    const record: { createdAt?: number; promotedAt?: number; retiredAt?: number } = {}
    if (key.createdAt !== undefined) record.createdAt = key.createdAt
    if (key.promotedAt !== undefined) record.promotedAt = key.promotedAt
    if (key.retiredAt !== undefined) record.retiredAt = key.retiredAt
    history.set(key.fingerprint, record)
  }
  return { files, history }
}

export type NewKey = {
  number: number
  key: string
  createdAt?: number | undefined
  promotedAt?: number | undefined
  retiredAt?: number | undefined
}

function roleOf(index: number, number: number): StoredKey['role'] {
  return index === 0 ? 'primary' : number === 0 ? 'staged' : 'secondary'
}

function micros(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms) * 1000
}

/**
 * Replaces the whole set in one transaction. `expected`: the generation read before (a
 * compare-and-set: RotationRace when another writer moved it), or null for a set that must not
 * exist yet. Returns the new generation.
 */
export async function writeKeySet(
  db: Db,
  repository: KeySetName,
  kek: KeyEncryptionKey,
  newKeys: readonly NewKey[],
  expected: number | null,
  now: number,
): Promise<number> {
  const keys = sortKeys([...newKeys])
  const rows = keys.map((key, index) => {
    const role = roleOf(index, key.number)
    return {
      repository,
      number: key.number,
      role,
      fingerprint: keyFingerprint(key.key),
      wrapped: wrapKey(kek, key.key, { repository, number: key.number, role }),
      created_at: micros(key.createdAt),
      promoted_at: micros(key.promotedAt),
      retired_at: role === 'secondary' ? micros(key.retiredAt) : null,
    }
  })
  return db.transaction().execute(async (trx) => {
    let generation: number
    if (expected === null) {
      generation = 1
      try {
        await trx
          .insertInto('fernet_key_set')
          .values({
            repository,
            generation,
            kek_fingerprint: kek.fingerprint,
            updated_at: now * 1000,
          })
          .execute()
      } catch (error) {
        throw race(repository, error)
      }
    } else {
      generation = expected + 1
      const result = await trx
        .updateTable('fernet_key_set')
        .set({ generation, kek_fingerprint: kek.fingerprint, updated_at: now * 1000 })
        .where('repository', '=', repository)
        .where('generation', '=', expected)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) throw race(repository)
    }
    await trx.deleteFrom('fernet_key').where('repository', '=', repository).execute()
    await trx.insertInto('fernet_key').values(rows).execute()
    return generation
  })
}

function race(repository: KeySetName, cause?: unknown): FernetError {
  return new FernetError(
    FernetErrorCode.RotationRace,
    `the database's ${repository} keys changed while this command ran (another rotation, setup or import won); nothing was written: run the command again`,
    cause === undefined ? undefined : { cause },
  )
}
