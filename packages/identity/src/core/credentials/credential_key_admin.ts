/**
 * keystone-manage `credential_setup`, `credential_rotate` and `credential_migrate` over the
 * credential key repository (@baton/fernet's setup and rotation, `MAX_ACTIVE_KEYS` = 3, no token
 * guard: credentials do not expire). Rotation refuses while any credential is encrypted with
 * another key than the primary (the purge could drop the only key that opens it); migration
 * re-encrypts every such credential with the primary key, one transaction for all.
 * @module
 */
import {
  FernetError,
  FernetErrorCode,
  type FernetLogger,
  type KeyInfo,
  rotateKeyRepository,
  type SetupResult,
  setupKeyRepository,
} from '@baton/fernet'
import type { Store } from '../../store/index.ts'
import { CREDENTIAL_MAX_ACTIVE_KEYS, createCredentialCrypto } from './credential_crypto.ts'

export type CredentialKeyOptions = { readonly path: string; readonly logger?: FernetLogger }

export function setupCredentialKeys(options: CredentialKeyOptions): SetupResult {
  return setupKeyRepository({ ...options, maxActiveKeys: CREDENTIAL_MAX_ACTIVE_KEYS })
}

/** IDs of the credentials not encrypted with the current primary key. */
export async function credentialsOffPrimary(
  store: Store,
  options: CredentialKeyOptions,
): Promise<string[]> {
  const primary = createCredentialCrypto(options).primaryKeyHash()
  return (await store.credentials.list()).filter((c) => c.keyHash !== primary).map((c) => c.id)
}

export async function rotateCredentialKeys(
  store: Store,
  options: CredentialKeyOptions,
): Promise<KeyInfo[]> {
  const behind = await credentialsOffPrimary(store, options)
  if (behind.length > 0) {
    throw new FernetError(
      FernetErrorCode.RotationUnsafe,
      `Unable to rotate credential keys because not all credentials are encrypted with the ` +
        `primary key (${behind.length} are not). Please make sure all credentials have been ` +
        'encrypted with the primary key using `baton credential migrate`.',
    )
  }
  const result = rotateKeyRepository({
    ...options,
    maxActiveKeys: CREDENTIAL_MAX_ACTIVE_KEYS,
    tokenExpiration: 0,
    allowExpiredWindow: 0,
    // the guard above is the credential rule; the token guard's key history does not apply
    force: true,
  })
  return result.keys
}

/** Re-encrypts every credential not on the primary key; returns how many. */
export async function migrateCredentials(
  store: Store,
  options: CredentialKeyOptions,
): Promise<number> {
  const crypto = createCredentialCrypto(options)
  const primary = crypto.primaryKeyHash()
  return store.transaction(async (trx) => {
    let moved = 0
    for (const credential of await trx.credentials.list()) {
      if (credential.keyHash === primary) continue
      // keystone-manage re-encrypts the decrypted plaintext as is, whatever the type
      const sealed = crypto.encrypt(crypto.decrypt(credential.encryptedBlob))
      await trx.credentials.updateBlob(credential.id, sealed.encryptedBlob, sealed.keyHash)
      moved++
    }
    return moved
  })
}
