/**
 * The package's error registry: one `FernetError` class (a `BatonError`, from @baton/config) with
 * stable codes.
 * Messages name paths, key numbers and fingerprints, never key material or tokens.
 * @module
 */
import { BatonError } from '@baton/config'

export const FernetErrorCode = {
  /** Any token failure (pyca maps every one of them to a single `InvalidToken`). */
  InvalidToken: 'BATON_FERNET_INVALID_TOKEN',
  InvalidKey: 'BATON_FERNET_INVALID_KEY',
  InvalidArgument: 'BATON_FERNET_INVALID_ARGUMENT',
  RepositoryMissing: 'BATON_FERNET_REPOSITORY_MISSING',
  RepositoryNotDirectory: 'BATON_FERNET_REPOSITORY_NOT_DIRECTORY',
  RepositoryUnreadable: 'BATON_FERNET_REPOSITORY_UNREADABLE',
  RepositoryNotWritable: 'BATON_FERNET_REPOSITORY_NOT_WRITABLE',
  RepositoryPermissions: 'BATON_FERNET_REPOSITORY_PERMISSIONS',
  KeyFileCorrupt: 'BATON_FERNET_KEY_FILE_CORRUPT',
  KeyFileName: 'BATON_FERNET_KEY_FILE_NAME',
  NoKeys: 'BATON_FERNET_NO_KEYS',
  NoStagedKey: 'BATON_FERNET_NO_STAGED_KEY',
  RotationUnsafe: 'BATON_FERNET_ROTATION_UNSAFE',
  WriteFailed: 'BATON_FERNET_WRITE_FAILED',
  /** `[fernet_tokens] key_encryption_key_file`: missing, open to others, not ours, or wrong. */
  KeyEncryptionKey: 'BATON_FERNET_KEY_ENCRYPTION_KEY',
  /** A live fleet node has not loaded the staged key the rotation would promote. */
  FleetLagging: 'BATON_FERNET_FLEET_LAGGING',
  /** Another rotation (or import) changed the database key set first. */
  RotationRace: 'BATON_FERNET_ROTATION_RACE',
} as const

export type FernetErrorCode = (typeof FernetErrorCode)[keyof typeof FernetErrorCode]

/** One class for all of the registry's codes: the instance's `code` says which failure it is. */
export class FernetError extends BatonError {
  declare readonly code: FernetErrorCode

  constructor(code: FernetErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/** Token failures share one code; `reason` only helps operators, it is not an oracle (MAC first). */
export function invalidToken(reason: string): FernetError {
  return new FernetError(FernetErrorCode.InvalidToken, `invalid Fernet token: ${reason}`)
}
