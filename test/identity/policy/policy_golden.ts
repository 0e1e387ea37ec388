/**
 * Loads fixtures/policy_golden.json (written by fixtures/generate_policy_golden.py from the real
 * oslo.policy with Keystone 22's registered defaults) and turns its personas and target templates
 * into Baton Callers and targets.
 * @module
 */
import { readFileSync } from 'node:fs'
import type { Caller, PolicyTarget } from '../../../packages/identity/src/core/caller.ts'
import type { PolicyEnforcerOptions } from '../../../packages/identity/src/policy/index.ts'

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname

export interface GoldenRule {
  check_str: string
  scope_types: string[] | null
  deprecated_check_str?: string
}

export interface GoldenPersona {
  caller: Caller
  home: Record<string, string>
}

export interface GoldenMode {
  enforce_new_defaults: boolean
  enforce_scope: boolean
  policy_file: string | null
}

export interface ParserCase {
  check: string
  str: string
  /** persona -> '1' allow, '0' deny, 'E' oslo raised (Keystone answers 500) */
  results: Record<string, string>
}

export interface Golden {
  modes: Record<string, GoldenMode>
  rules: Record<string, GoldenRule>
  personas: Record<string, GoldenPersona>
  targets: Record<string, PolicyTarget>
  /** action -> target -> persona -> one character per mode (modes' key order) */
  decisions: Record<string, Record<string, Record<string, string>>>
  parser: {
    helpers: Record<string, string>
    target: PolicyTarget
    personas: string[]
    cases: ParserCase[]
  }
  files: Record<string, Record<string, string>>
  effective: Record<string, Record<string, string>>
  yaml: { text: string; result: Record<string, string> | null }[]
}

/** A persona's caller as the generator writes it: oslo.context's flat, optional scope fields. */
type FixtureCaller = Omit<Caller, 'scope'> & {
  projectId?: string
  projectDomainId?: string
  domainId?: string
  system?: 'all'
}

type FixtureGolden = Omit<Golden, 'personas'> & {
  personas: Record<string, { caller: FixtureCaller; home: Record<string, string> }>
}

/** The fixture's flat scope fields as a Caller's scope (at most one is set per persona). */
function callerOf(flat: FixtureCaller): Caller {
  const { projectId, projectDomainId, domainId, system, ...rest } = flat
  let scope: Caller['scope'] = { kind: 'unscoped' }
  if (system !== undefined) scope = { kind: 'system', system }
  else if (domainId !== undefined) scope = { kind: 'domain', domainId }
  else if (projectId !== undefined) {
    if (projectDomainId === undefined) throw new Error(`${flat.userId}: project without domain`)
    scope = { kind: 'project', projectId, projectDomainId }
  }
  return { ...rest, scope }
}

const raw: FixtureGolden = JSON.parse(readFileSync(`${FIXTURES}policy_golden.json`, 'utf8'))
export const golden: Golden = {
  ...raw,
  personas: Object.fromEntries(
    Object.entries(raw.personas).map(([name, p]) => [name, { ...p, caller: callerOf(p.caller) }]),
  ),
}

export function persona(name: string): GoldenPersona {
  const found = golden.personas[name]
  if (found === undefined) throw new Error(`no persona ${name}`)
  return found
}

/** The target template with every "$name" string replaced from the persona's home. */
export function targetFor(template: unknown, home: Record<string, string>): unknown {
  if (Array.isArray(template)) return template.map((v) => targetFor(v, home))
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, targetFor(v, home)]))
  }
  if (typeof template === 'string' && template.startsWith('$')) {
    const value = home[template.slice(1)]
    if (value === undefined) throw new Error(`no home value for ${template}`)
    return value
  }
  return template
}

/** The enforcer options of a golden mode (the policy file read with Baton's own parser). */
export function modeOptions(
  mode: GoldenMode,
  readFile: (name: string) => Record<string, string>,
): PolicyEnforcerOptions {
  return {
    enforceNewDefaults: mode.enforce_new_defaults,
    enforceScope: mode.enforce_scope,
    ...(mode.policy_file ? { rules: readFile(mode.policy_file) } : {}),
  }
}
