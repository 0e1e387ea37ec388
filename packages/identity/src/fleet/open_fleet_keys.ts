/**
 * Opening a node's keys from the database key store (`[fernet_tokens] key_store = database`):
 * the key-encryption key file first (0600, ours, or the node refuses to start with one line
 * naming it), then the token keys and, when `[fernet_receipts] key_repository` names a directory
 * of its own, the receipt keys: each set unwrapped once, then polled (database_keys.ts).
 * @module
 */
import type { Clock } from '@baton/config'
import {
  FernetError,
  type FernetLogger,
  type KeyEncryptionKey,
  readKeyEncryptionKey,
} from '@baton/fernet'
import { ServerNotReady } from '../errors.ts'
import type { StoreDatabase } from '../store/index.ts'
import { DatabaseKeys } from './database_keys.ts'
import type { KeySetName } from './key_set_store.ts'

export type FleetKeys = {
  readonly kek: KeyEncryptionKey
  readonly tokens: DatabaseKeys
  /** The token keys themselves when receipts share them. */
  readonly receipts: DatabaseKeys
}

export async function openFleetKeys(options: {
  database: StoreDatabase
  kekFile: string
  separateReceipts: boolean
  logger: FernetLogger
  clock: Clock
}): Promise<FleetKeys> {
  const kek = notReady(() => readKeyEncryptionKey(options.kekFile))
  const open = (repository: KeySetName) =>
    DatabaseKeys.open({
      db: options.database.db,
      repository,
      kek,
      logger: options.logger,
      clock: options.clock,
    }).catch((error: unknown) => {
      throw asNotReady(error)
    })
  const tokens = await open('fernet_tokens')
  if (!options.separateReceipts) return { kek, tokens, receipts: tokens }
  try {
    return { kek, tokens, receipts: await open('fernet_receipts') }
  } catch (error) {
    tokens.close()
    throw error
  }
}

function notReady<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    throw asNotReady(error)
  }
}

function asNotReady(error: unknown): unknown {
  if (!(error instanceof FernetError)) return error
  const hint =
    error.code === 'BATON_FERNET_NO_KEYS'
      ? '; create them with `baton keys setup --config-file ...`'
      : ''
  return new ServerNotReady(`${error.message}${hint}`, { cause: error })
}
