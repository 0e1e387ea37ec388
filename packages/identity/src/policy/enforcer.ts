/**
 * `createPolicyEnforcer()`: the PolicyEnforcer handlers call on every request. Rules are parsed,
 * combined and compiled once here; a decision is one credentials lookup (cached per Caller), an
 * optional scope test and a walk of closures. Denials throw Keystone's ForbiddenAction text.
 * @module
 */
import type { Caller, PolicyTarget } from '../core/caller.ts'
import type { PolicyEnforcer } from '../core/policy_api.ts'
import { Forbidden } from '../errors.ts'
import { EvalAbort } from './check_types.ts'
import { credentialsFor } from './credentials.ts'
import { KEYSTONE_DEFAULT_POLICIES, type PolicyDefault } from './defaults.ts'
import { BATON_DEFAULT_POLICIES } from './defaults_baton.ts'
import { buildRuleSet } from './rule_set.ts'
import { TargetView } from './target_view.ts'

export interface PolicyEnforcerOptions {
  /** Rules overriding (or adding to) the defaults, e.g. `parsePolicyFile()`'s result. */
  readonly rules?: Readonly<Record<string, string>>
  /** `[oslo_policy] enforce_scope` (Keystone 22: false). */
  readonly enforceScope?: boolean
  /** `[oslo_policy] enforce_new_defaults` (Keystone 22: false). */
  readonly enforceNewDefaults?: boolean
  /** `[oslo_policy] policy_default_rule` (default `default`): used for rules nobody defines. */
  readonly defaultRule?: string
  /** Problems oslo would log (unparseable rules, undefined references, cycles...). */
  readonly onWarning?: (message: string) => void
  /** Registered defaults; Keystone 22's unless a test says otherwise. */
  readonly defaults?: readonly PolicyDefault[]
}

export interface BatonPolicyEnforcer extends PolicyEnforcer {
  /** The effective check of a rule as oslo prints it (`oslopolicy-policy-generator`), if any. */
  effectiveRule(name: string): string | undefined
}

/** keystone.exception.ForbiddenAction's message. */
export function forbiddenActionMessage(action: string): string {
  return `You are not authorized to perform the requested action: ${action}.`
}

export function createPolicyEnforcer(options: PolicyEnforcerOptions = {}): BatonPolicyEnforcer {
  const warn = options.onWarning ?? (() => {})
  const enforceScope = options.enforceScope ?? false
  const rules = buildRuleSet({
    defaults: options.defaults ?? [...KEYSTONE_DEFAULT_POLICIES, ...BATON_DEFAULT_POLICIES],
    overrides: options.rules ?? {},
    enforceNewDefaults: options.enforceNewDefaults ?? false,
    defaultRule: options.defaultRule ?? 'default',
    problem: warn,
  })
  const reportedAborts = new Set<string>()

  const allows = (caller: Caller, action: string, target?: PolicyTarget): boolean => {
    const evaluate = rules.lookup(action)
    if (evaluate === undefined) return false
    const creds = credentialsFor(caller)
    if (enforceScope) {
      // oslo raises InvalidScope, which Keystone turns into the same ForbiddenAction
      const scopes = rules.scopeTypes(action)
      if (scopes !== undefined && !scopes.includes(creds.scope)) return false
    }
    try {
      return evaluate({ creds, target: new TargetView(target), depth: 0 })
    } catch (error) {
      if (!(error instanceof EvalAbort)) throw error
      // Keystone would answer 500 here; denying is the closest safe answer. Said once per action.
      if (!reportedAborts.has(action)) {
        reportedAborts.add(action)
        warn(`policy ${action}: evaluation failed (${error.message}); denied`)
      }
      return false
    }
  }

  return {
    allows,
    enforce(caller, action, target) {
      if (!allows(caller, action, target)) throw new Forbidden(forbiddenActionMessage(action))
    },
    effectiveRule: (name) => rules.describe(name),
  }
}
