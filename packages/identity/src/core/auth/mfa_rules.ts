/**
 * keystone/auth/core.py `UserMFARulesValidator.check_auth_methods_against_rules`: a user with
 * `multi_factor_auth_rules` (and `multi_factor_auth_enabled` not false) must satisfy one rule,
 * counting only the methods this server has enabled. Malformed rules are ignored, as Keystone
 * ignores them.
 * @module
 */
import type { User } from '../../store/index.ts'

/** `_parse_rule_structure`: lists of method names, duplicates dropped; anything else ignored. */
export function parseMfaRules(rules: unknown): string[][] {
  if (!Array.isArray(rules)) return []
  return rules.flatMap((rule) =>
    Array.isArray(rule) && rule.length > 0 && rule.every((m) => typeof m === 'string')
      ? [[...new Set(rule as string[])]]
      : [],
  )
}

export function satisfiesMfaRules(
  user: User,
  usedMethods: ReadonlySet<string>,
  enabledMethods: readonly string[],
): boolean {
  const rules = parseMfaRules(user.options.multi_factor_auth_rules)
  if (rules.length === 0 || user.options.multi_factor_auth_enabled === false) return true
  return rules.some((rule) =>
    rule.filter((m) => enabledMethods.includes(m)).every((m) => usedMethods.has(m)),
  )
}
