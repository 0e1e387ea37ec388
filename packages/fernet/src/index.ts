/**
 * @baton/fernet: the Fernet spec, MultiFernet, and a keystone-compatible key repository
 * (setup, rotate, load, watch) with a rotation guard. The package's only public entry.
 * @module
 */

export { FernetError, FernetErrorCode } from './errors.ts'
export {
  type Decrypted,
  type DecryptOptions,
  type EncryptOptions,
  Fernet,
  type FernetOptions,
  fernetTimestamp,
} from './fernet.ts'
export {
  checkRepositoryDirectory,
  HISTORY_FILE,
  type KeyFile,
  readKeyFiles,
} from './key_files.ts'
export { type KeyHistory, type KeyRecord, readHistory, serializeHistory } from './key_history.ts'
export {
  type KeyRepositoryStatus,
  type KeyRole,
  type KeySetStatusOptions,
  type KeyStatus,
  keyRepositoryStatus,
  keySetStatus,
  type StatusOptions,
} from './key_status.ts'
export { generateKey, isValidKeyText, keyFingerprint } from './key_text.ts'
export {
  createKeyEncryptionKeyFile,
  type KeyEncryptionKey,
  readKeyEncryptionKey,
  unwrapKey,
  type WrapContext,
  wrapKey,
} from './key_wrap.ts'
export { type LoadedKey, type LoadedKeys, type LoadOptions, loadKeys } from './load_keys.ts'
export type { FernetLogger } from './logger.ts'
export { MultiFernet } from './multi_fernet.ts'
export { type GuardOptions, type KeyInfo, keyLifetime, type RepositoryOptions } from './options.ts'
export { pooledRandomBytes } from './random_pool.ts'
export type { RepositoryFs } from './repository_fs.ts'
export { type RotateOptions, type RotationResult, rotateKeyRepository } from './rotate_keys.ts'
export {
  type DroppedKey,
  type DropStatus,
  evaluateRotation,
  type GuardVerdict,
  suggestion,
} from './rotation_guard.ts'
export { type SetupResult, setupKeyRepository } from './setup_key_repository.ts'
export { WatchedKeyRepository, type WatchOptions } from './watched_key_repository.ts'
