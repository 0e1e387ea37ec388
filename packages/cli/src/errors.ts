/**
 * The CLI's error registry: one `CliError` class (a `BatonError`) with stable `BATON_CLI_*` codes,
 * for failures the CLI itself detects (the other packages' errors pass through with their own
 * codes). `main` prints any `BatonError` as one line and exits 1; messages name the file and the fix.
 * @module
 */
import { BatonError } from '@baton/config'

export const CliErrorCode = {
  /** Another `baton up` holds the data directory. */
  DataDirLocked: 'BATON_CLI_DATA_DIR_LOCKED',
  /** The data directory cannot be used (a file, unreadable, unwritable). */
  DataDirUnusable: 'BATON_CLI_DATA_DIR_UNUSABLE',
  /** `secrets.json` does not parse or lacks a password. */
  SecretsCorrupt: 'BATON_CLI_SECRETS_CORRUPT',
  /** An SQLite database of the local cloud is not one (or is damaged). */
  DatabaseCorrupt: 'BATON_CLI_DATABASE_CORRUPT',
  /** A config file of the local cloud cannot be read or parsed. */
  ConfigUnreadable: 'BATON_CLI_CONFIG_UNREADABLE',
  /** A port asked for explicitly is taken. */
  PortBusy: 'BATON_CLI_PORT_BUSY',
  /** A program of the local cloud exited or never answered. */
  ProgramFailed: 'BATON_CLI_PROGRAM_FAILED',
  /** `baton keys ... --receipts` while receipts use the token keys (no repository of their own). */
  ReceiptKeysShared: 'BATON_CLI_RECEIPT_KEYS_SHARED',
  /** `baton up --tls` could not make its CA or certificates (no `openssl`, or it failed). */
  CertificatesFailed: 'BATON_CLI_CERTIFICATES_FAILED',
} as const

export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode]

/** One class for all of the registry's codes: the instance's `code` says which failure it is. */
export class CliError extends BatonError {
  declare readonly code: CliErrorCode

  constructor(code: CliErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}
