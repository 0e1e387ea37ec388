/**
 * The effective rules, built once the way oslo's `Enforcer.load_rules()` builds them: every rule
 * from the policy file as written (no OR with any default), then each registered default the file
 * does not name, as `(new) or (deprecated)` unless `enforce_new_defaults` is set or the two check
 * strings are equal. `rule:` references are linked to compiled rules; a reference to a missing rule
 * (and an unknown action) falls back to the `policy_default_rule` when the file defines it, else
 * fails closed, as oslo's `Rules.__missing__` does.
 * @module
 */
import {
  type CompileContext,
  compileCheck,
  type Evaluator,
  type RuleSlot,
} from './check_compiler.ts'
import { parseCheckString } from './check_parser.ts'
import { type Check, formatCheck } from './check_types.ts'
import type { ScopeType } from './credentials.ts'
import type { PolicyDefault } from './defaults_base.ts'

export interface RuleSetOptions {
  readonly defaults: readonly PolicyDefault[]
  /** Rules from the policy file (or any override), by name. */
  readonly overrides: Readonly<Record<string, string>>
  readonly enforceNewDefaults: boolean
  /** `[oslo_policy] policy_default_rule`; empty disables the fallback. */
  readonly defaultRule: string
  readonly problem: (message: string) => void
}

export interface RuleSet {
  /** The evaluator for an action: its rule, else the default rule, else undefined (deny). */
  lookup(name: string): Evaluator | undefined
  /** The registered (default) policy's scope types, whatever the file says about its check. */
  scopeTypes(name: string): readonly ScopeType[] | undefined
  /** oslo's `str()` of the effective check tree, for diagnostics and tests. */
  describe(name: string): string | undefined
}

export function buildRuleSet(options: RuleSetOptions): RuleSet {
  const checks = new Map<string, Check>()
  const parse = (name: string, text: string): Check => {
    const parsed = parseCheckString(text)
    if (parsed.problem) options.problem(`policy ${name}: ${parsed.problem}`)
    return parsed.check
  }
  for (const [name, text] of Object.entries(options.overrides)) checks.set(name, parse(name, text))
  const scopes = new Map<string, readonly ScopeType[]>()
  for (const rule of options.defaults) {
    if (rule.scopeTypes) scopes.set(rule.name, rule.scopeTypes)
    if (checks.has(rule.name)) continue
    const check = parse(rule.name, rule.checkStr)
    const old = rule.deprecatedCheckStr
    const combine = !options.enforceNewDefaults && old !== undefined && old !== rule.checkStr
    checks.set(rule.name, combine ? { type: 'or', checks: [check, parse(rule.name, old)] } : check)
  }

  const slots = new Map<string, RuleSlot>()
  for (const name of checks.keys()) slots.set(name, { evaluate: () => false })
  const fallback = options.defaultRule ? slots.get(options.defaultRule) : undefined
  const undefinedRefs = new Set<string>()
  for (const [name, check] of checks) {
    const ctx: CompileContext = {
      resolve: (ref) => {
        const slot = slots.get(ref)
        if (slot === undefined) undefinedRefs.add(`${name} -> rule:${ref}`)
        return slot ?? fallback
      },
      problem: (message) => options.problem(`policy ${name}: ${message}`),
    }
    const slot = slots.get(name)
    if (slot) slot.evaluate = compileCheck(check, ctx)
  }
  if (undefinedRefs.size > 0) {
    options.problem(
      `policies reference rules that are not defined (they fail closed${fallback ? `, or use "${options.defaultRule}"` : ''}): ${[...undefinedRefs].join(', ')}`,
    )
  }
  const cyclic = findCycles(checks)
  if (cyclic.length > 0) {
    options.problem(
      `policies are part of a cyclical reference (denied when reached): ${cyclic.join(', ')}`,
    )
  }

  return {
    lookup: (name) => (slots.get(name) ?? fallback)?.evaluate,
    scopeTypes: (name) => scopes.get(name),
    describe: (name) => {
      const check = checks.get(name)
      return check === undefined ? undefined : formatCheck(check)
    },
  }
}

/** Rules whose evaluation can reach themselves again through `rule:` references. */
function findCycles(checks: ReadonlyMap<string, Check>): string[] {
  const refs = new Map<string, string[]>()
  for (const [name, check] of checks)
    refs.set(
      name,
      ruleRefs(check).filter((r) => checks.has(r)),
    )
  const cyclic: string[] = []
  for (const start of checks.keys()) {
    const seen = new Set<string>()
    const stack = [...(refs.get(start) ?? [])]
    while (stack.length > 0) {
      const next = stack.pop() as string
      if (next === start) {
        cyclic.push(start)
        break
      }
      if (seen.has(next)) continue
      seen.add(next)
      stack.push(...(refs.get(next) ?? []))
    }
  }
  return cyclic
}

function ruleRefs(check: Check): string[] {
  switch (check.type) {
    case 'not':
      return ruleRefs(check.check)
    case 'and':
    case 'or':
      return check.checks.flatMap(ruleRefs)
    case 'match':
      return check.kind === 'rule' ? [check.match] : []
    default:
      return []
  }
}
