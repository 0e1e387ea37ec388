/**
 * Credential blobs encrypted as keystone/credential/providers/fernet does, with a key repository of
 * their own (`[credential] key_repository`, never the token keys): the primary key encrypts, every
 * key decrypts, and keystone's null key (32 zero bytes) is always tried last and encrypts while
 * the repository is missing or empty (`load_keys(use_null_key=True)`), so a table Keystone wrote
 * before `credential_setup` still reads. `key_hash` is the SHA-1 of the primary key's text. Keys
 * are read on every call, as Keystone reads them, so a rotation applies without a restart. Blobs
 * and keys never reach a log or an error message.
 * @module
 */
import { createHash } from 'node:crypto'
import {
  FernetError,
  FernetErrorCode,
  type FernetLogger,
  loadKeys,
  MultiFernet,
} from '@baton/fernet'
import { CredentialEncryptionError } from '../../errors.ts'

/** keystone/credential/providers/fernet/core.py `MAX_ACTIVE_KEYS`: not configurable. */
export const CREDENTIAL_MAX_ACTIVE_KEYS = 3

/** keystone/common/fernet_utils.py `NULL_KEY`. */
export const NULL_KEY = `${Buffer.alloc(32).toString('base64url')}=`

export interface EncryptedBlob {
  readonly encryptedBlob: string
  readonly keyHash: string
}

export interface CredentialCrypto {
  encrypt(plaintext: string): EncryptedBlob
  /** @throws CredentialEncryptionError when no key opens it */
  decrypt(encryptedBlob: string): string
  /** SHA-1 of the key `encrypt` uses now. */
  primaryKeyHash(): string
}

/** `primary_key_hash`: SHA-1 over the key's text (not its bytes). */
export function keyHashOf(key: string): string {
  return createHash('sha1').update(key, 'utf8').digest('hex')
}

/** The keys `load_keys(use_null_key=True)` returns: primary first, the null key last. */
export function credentialKeys(path: string, logger?: FernetLogger): string[] {
  try {
    const loaded = loadKeys(path, logger === undefined ? {} : { logger })
    return [...loaded.keys.map((k) => k.key), NULL_KEY]
  } catch (error) {
    const code = error instanceof FernetError ? error.code : undefined
    if (code === FernetErrorCode.RepositoryMissing || code === FernetErrorCode.NoKeys) {
      return [NULL_KEY]
    }
    throw new CredentialEncryptionError(undefined, { cause: error })
  }
}

/** pyca's tokens keep their base64 padding; Keystone stores (and expects) it. */
function padded(token: string): string {
  return token.length % 4 === 0 ? token : token + '='.repeat(4 - (token.length % 4))
}

export function createCredentialCrypto(options: {
  readonly path: string
  readonly logger?: FernetLogger
}): CredentialCrypto {
  const { path, logger } = options
  let warnedNullKey = false
  const keys = () => credentialKeys(path, logger)
  return {
    encrypt(plaintext) {
      const current = keys()
      const primary = current[0] as string
      if (primary === NULL_KEY && !warnedNullKey) {
        warnedNullKey = true
        logger?.warn(
          'Encrypting credentials with the null key. Please properly encrypt credentials using ' +
            '`baton credential setup`, `baton credential migrate`, and `baton credential rotate`',
        )
      }
      const token = new MultiFernet(current).encrypt(Buffer.from(plaintext, 'utf8'))
      return { encryptedBlob: padded(token), keyHash: keyHashOf(primary) }
    },
    decrypt(encryptedBlob) {
      try {
        return new MultiFernet(keys()).decrypt(encryptedBlob).plaintext.toString('utf8')
      } catch (error) {
        if (error instanceof CredentialEncryptionError) throw error
        throw new CredentialEncryptionError(undefined, { cause: error })
      }
    },
    primaryKeyHash: () => keyHashOf(keys()[0] as string),
  }
}
