/**
 * A stand-in for the policy engine (packages/identity/src/policy is being written): Keystone's
 * default rules for the token and scope-discovery actions (keystone/common/policies/token.py,
 * auth.py and base.py), enough to test who may validate, check and revoke a token.
 * @module
 */
import type { Caller, PolicyTarget } from '../../../../packages/identity/src/core/caller.ts'
import type { PolicyEnforcer } from '../../../../packages/identity/src/core/policy_api.ts'
import { Forbidden } from '../../../../packages/identity/src/errors.ts'

type Rule = (caller: Caller, target: PolicyTarget) => boolean

const has = (caller: Caller, role: string) => caller.roles.includes(role)
const adminRequired: Rule = (c) => has(c, 'admin')
const systemReader: Rule = (c) => has(c, 'reader') && c.scope.kind === 'system'
const serviceRole: Rule = (c) => has(c, 'service')
const tokenSubject: Rule = (c, t) => c.userId === t['target.token.user_id']
const any =
  (...rules: Rule[]): Rule =>
  (c, t) =>
    rules.some((rule) => rule(c, t))

const RULES: Readonly<Record<string, Rule>> = {
  'identity:validate_token': any(adminRequired, systemReader, serviceRole, tokenSubject),
  'identity:check_token': any(adminRequired, systemReader, tokenSubject),
  'identity:revoke_token': any(adminRequired, tokenSubject),
  'identity:get_auth_catalog': () => true,
  'identity:get_auth_projects': () => true,
  'identity:get_auth_domains': () => true,
  'identity:get_auth_system': () => true,
}

export function standInPolicy(): PolicyEnforcer {
  const allows = (caller: Caller, action: string, target: PolicyTarget = {}) =>
    RULES[action]?.(caller, target) ?? false
  return {
    allows,
    enforce(caller, action, target) {
      if (!allows(caller, action, target)) {
        throw new Forbidden(`You are not authorized to perform the requested action: ${action}.`)
      }
    },
  }
}
