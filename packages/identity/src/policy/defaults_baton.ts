/**
 * Baton's own policies (no Keystone counterpart, so kept out of KEYSTONE_DEFAULT_POLICIES, which
 * the golden test compares with Keystone's `list_rules()`). Policy files may override them, as they
 * may every other rule.
 * @module
 */
import { ADMIN_OR_SYSTEM_READER, entry, type PolicyDefault } from './defaults_base.ts'

/** `GET /v3/OS-BATON/keys` (the operator console's Keys view): admin, or a reader on the system. */
export const BATON_KEYS_STATUS = 'identity:baton_keys_status'
/** `GET /v3/OS-BATON/chains` (the console's Chains view): admin, or a reader on the system. */
export const BATON_CHAINS = 'identity:baton_chains'

/** `GET /v3/OS-BATON/calls` (the console's Delegated calls view, from the services' audit trails). */
export const BATON_AUDIT_CALLS = 'identity:baton_audit_calls'

/** `GET /v3/OS-BATON/windows` (the console's Windows view: expired tokens let in, how late). */
export const BATON_AUDIT_WINDOWS = 'identity:baton_audit_windows'

export const BATON_DEFAULT_POLICIES: readonly PolicyDefault[] = Object.freeze([
  entry(BATON_KEYS_STATUS, ADMIN_OR_SYSTEM_READER),
  entry(BATON_CHAINS, ADMIN_OR_SYSTEM_READER),
  entry(BATON_AUDIT_CALLS, ADMIN_OR_SYSTEM_READER),
  entry(BATON_AUDIT_WINDOWS, ADMIN_OR_SYSTEM_READER),
])
