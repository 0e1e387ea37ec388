/**
 * A node's keys and store, in the order its key store needs: with `files` (Keystone's repository)
 * the key directories first, then the database; with `database` the database first (retried while
 * unreachable), then the key-encryption key and the key sets in it. Either way one actionable line
 * when the node cannot start, and nothing left open. Also what the node's heartbeat reports: the
 * fingerprints of the keys it has loaded.
 * @module
 */
import { resolve } from 'node:path'
import type { Clock, Config } from '@baton/config'
import { FernetError, type MultiFernet, WatchedKeyRepository } from '@baton/fernet'
import { ServerNotReady } from '../errors.ts'
import { openFleetKeys } from '../fleet/open_fleet_keys.ts'
import { fernetReceiptsOptions, fernetTokensOptions } from '../options.ts'
import { type OpenedStore, openCurrentStoreWithRetry } from './database_access.ts'

/** The keys a server validates with: files (Keystone's repository) or the database key store. */
export type KeyProvider = {
  current(): MultiFernet
  close(): void
}

export type NodeKeysAndStore = {
  readonly keys: KeyProvider
  /** The token keys themselves when receipts share them. */
  readonly receiptKeys: KeyProvider
  readonly fingerprints: () => Record<string, string[]>
  /** Only with the database key store. */
  readonly fleetKeys: Awaited<ReturnType<typeof openFleetKeys>> | undefined
  readonly opened: OpenedStore
}

export async function openNodeKeysAndStore(
  config: Config,
  clock: Clock,
): Promise<NodeKeysAndStore> {
  const fernetTokens = config.get(fernetTokensOptions)
  const tokenKeyPath = fernetTokens.key_repository
  const fromDatabase = fernetTokens.key_store === 'database'
  // keystone's receipt provider exits too without its keys; by default they are the token keys
  const receiptKeyPath = config.get(fernetReceiptsOptions).key_repository ?? tokenKeyPath
  const separateReceipts = resolve(receiptKeyPath) !== resolve(tokenKeyPath)
  let keys: KeyProvider | undefined
  let receiptKeys: KeyProvider | undefined
  let opened: Awaited<ReturnType<typeof openCurrentStoreWithRetry>> | undefined
  let fingerprints: () => Record<string, string[]>
  let fleetKeys: Awaited<ReturnType<typeof openFleetKeys>> | undefined
  try {
    if (fromDatabase) {
      opened = await openCurrentStoreWithRetry(config, clock, databaseWarning)
      const logger = { warn: (m: string) => console.warn(`baton: ${m}`) }
      fleetKeys = await openFleetKeys({
        database: opened.database,
        kekFile: fernetTokens.key_encryption_key_file,
        separateReceipts,
        logger,
        clock,
      })
      const { tokens, receipts } = fleetKeys
      keys = tokens
      receiptKeys = receipts
      fingerprints = () => ({
        fernet_tokens: tokens.fingerprints(),
        ...(separateReceipts ? { fernet_receipts: receipts.fingerprints() } : {}),
      })
    } else {
      const tokens = openKeyRepository(tokenKeyPath)
      keys = tokens
      let receipts = tokens
      if (separateReceipts) receipts = openKeyRepository(receiptKeyPath)
      receiptKeys = receipts
      fingerprints = () => ({
        fernet_tokens: tokens.keys().map((key) => key.fingerprint),
        ...(separateReceipts
          ? { fernet_receipts: receipts.keys().map((key) => key.fingerprint) }
          : {}),
      })
      opened = await openCurrentStoreWithRetry(config, clock, databaseWarning)
    }
  } catch (error) {
    keys?.close()
    receiptKeys?.close()
    await opened?.database.close()
    throw error
  }
  return { keys, receiptKeys, fingerprints, fleetKeys, opened }
}

function databaseWarning(message: string): void {
  console.error(`baton: ${message}`)
}

/** keystone's fernet provider exits when the repository is missing or empty; so do we, clearly. */
function openKeyRepository(path: string): WatchedKeyRepository {
  try {
    return new WatchedKeyRepository(path)
  } catch (error) {
    if (error instanceof FernetError) {
      throw new ServerNotReady(
        `${error.message}; create the key repository with \`baton keys setup --config-file ...\``,
        { cause: error },
      )
    }
    throw error
  }
}
