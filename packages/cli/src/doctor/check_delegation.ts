/**
 * The delegation check (issue 15): `[token] allow_expired_window` against the senders'
 * `[service_user] delegate`. A sender that delegates binds each long operation to a delegation
 * token, which needs no window; one that does not relies on the window to have an expired user
 * token honoured on its service token's word. So: every sender delegates and the window is still
 * open = a warning (a stolen expired token is honoured for nothing); the window is 0 and a sender
 * does not delegate = an error (its long operations fail once the user's token expires).
 * @module
 */
import { serviceUserGroup } from '@baton/client'
import { tokenOptions } from '@baton/identity'
import type { DoctorConfig } from './config_set.ts'
import type { Findings } from './findings.ts'

export function checkDelegation(configs: readonly DoctorConfig[], findings: Findings): void {
  const senders = configs.filter((c) => c.roles.has('sender'))
  if (senders.length === 0) return
  const delegating = (c: DoctorConfig) => c.config.get(serviceUserGroup).delegate
  for (const node of configs.filter((c) => c.roles.has('identity'))) {
    const window = node.config.get(tokenOptions).allow_expired_window
    if (window > 0 && senders.every(delegating)) {
      findings.warning(
        node.file,
        'token',
        'allow_expired_window',
        `${window} s although every sender (${senders.map((s) => s.file).join(', ')}) sets [service_user] delegate = true: their long operations run on delegation tokens, so the window only lets anyone holding an expired user token and any service token act as that user, for any operation at any service, for ${window} s`,
        'set [token] allow_expired_window = 0 (delegations keep the long operations going; docs/delegation.md)',
      )
    }
    if (window === 0) {
      for (const sender of senders.filter((s) => !delegating(s))) {
        findings.error(
          sender.file,
          'service_user',
          'delegate',
          `false while ${node.file} sets [token] allow_expired_window = 0: a user token that expires during one of this service's long operations (a boot from volume, an image copy) is refused at the next service even with this service's token, so the operation ends in ERROR`,
          'set [service_user] delegate = true (with send_service_user_token = true) so long operations run on a delegation token, or give identity a window again',
        )
      }
    }
  }
}
