/**
 * What an auth method hands back on success (keystone `AuthHandlerResponse.response_data`).
 * @module
 */
import type { EpochMs } from '@baton/config'
import type { ApplicationCredential } from '../../store/index.ts'

export interface MethodResult {
  readonly userId: string
  /** Token method: the presented token's expiry, kept by the new token. */
  readonly expiresAt?: EpochMs | undefined
  /** Token method: the audit ID the new token chains to. */
  readonly auditId?: string | null | undefined
  /** Token method: the presented token's methods, carried over. */
  readonly methodNames?: readonly string[] | undefined
  /** Application-credential method: the credential that authenticated. */
  readonly applicationCredential?: ApplicationCredential | undefined
}
