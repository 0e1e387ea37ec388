/**
 * Turns parsed checks into closures, once, with oslo_policy._checks semantics:
 *  - `rule:x` evaluates rule x (linked at build time; a missing rule is False, or the default rule);
 *  - `role:x` compares case-insensitively with the caller's roles, after `%` substitution;
 *  - `kind:match` renders the match against the flattened target (a missing key is False), then
 *    compares it with a literal kind or with `str()` of the credential at the dotted path (lists
 *    match when any element does);
 *  - anything Python would raise on aborts the whole evaluation (see EvalAbort).
 * @module
 */

import { isPlainObject, pyStr } from '@baton/config'
import { classifyKind } from './check_kind.ts'
import { type Check, EvalAbort, formatCheck } from './check_types.ts'
import type { Credentials } from './credentials.ts'
import { parseMatchTemplate, renderMatch, templateError } from './match_template.ts'
import type { TargetView } from './target_view.ts'

export interface EvalState {
  readonly creds: Credentials
  readonly target: TargetView
  /** Nesting of `rule:` references, to stop cycles (Python hits RecursionError). */
  depth: number
}

export type Evaluator = (state: EvalState) => boolean

/** Where a `rule:` reference points; filled in once every rule is compiled. */
export interface RuleSlot {
  evaluate: Evaluator
}

/** A cycle revisits a rule with the same inputs, so it never ends; no real policy nests this deep. */
const MAX_RULE_DEPTH = 64

const always: Evaluator = () => true
const never: Evaluator = () => false

export interface CompileContext {
  /** The slot for `rule:name`: the named rule, else the default rule, else none (False). */
  resolve(name: string): RuleSlot | undefined
  /** A problem oslo would log or raise on; the rule is still built (it fails closed). */
  problem(message: string): void
}

export function compileCheck(check: Check, ctx: CompileContext): Evaluator {
  switch (check.type) {
    case 'true':
      return always
    case 'false':
      return never
    case 'not': {
      const inner = compileCheck(check.check, ctx)
      return (s) => !inner(s)
    }
    case 'and': {
      const parts = check.checks.map((c) => compileCheck(c, ctx))
      return (s) => parts.every((p) => p(s))
    }
    case 'or': {
      const parts = check.checks.map((c) => compileCheck(c, ctx))
      return (s) => parts.some((p) => p(s))
    }
    case 'string':
      ctx.problem(`"${check.value}" is a quoted string, not a check; it always fails`)
      return abort(`not a check: ${check.value}`)
    case 'match':
      return compileMatch(check.kind, check.match, ctx)
  }
}

function compileMatch(kind: string, match: string, ctx: CompileContext): Evaluator {
  const where = formatCheck({ type: 'match', kind, match })
  if (kind === 'rule') return ruleReference(match, ctx)
  if (kind === 'http' || kind === 'https') {
    ctx.problem(`${where}: remote (http/https) checks are not supported; it always fails`)
    return abort('remote checks are not supported')
  }
  const template = parseMatchTemplate(match)
  const badTemplate = templateError(template)
  if (badTemplate) ctx.problem(`${where}: ${badTemplate}; it fails when reached`)
  if (kind === 'role') {
    if (template.constant !== undefined) {
      const wanted = template.constant.toLowerCase()
      return (s) => s.creds.lowerRoles.has(wanted)
    }
    return (s) => {
      const rendered = renderMatch(template, s.target)
      return rendered !== undefined && s.creds.lowerRoles.has(rendered.toLowerCase())
    }
  }
  const left = classifyKind(kind)
  switch (left.type) {
    case 'literal':
      return (s) => renderMatch(template, s.target) === left.text
    case 'invalid':
      ctx.problem(`${where}: "${kind}" is not valid Python; it fails when reached`)
      return (s) => {
        // a missing key still makes the check False before the kind is looked at
        if (renderMatch(template, s.target) === undefined) return false
        throw new EvalAbort(`invalid kind ${kind}`)
      }
    case 'path': {
      const segments = left.segments
      return (s) => {
        const rendered = renderMatch(template, s.target)
        return rendered !== undefined && findIn(s.creds.values, segments, 0, rendered)
      }
    }
  }
}

function ruleReference(name: string, ctx: CompileContext): Evaluator {
  const slot = ctx.resolve(name)
  if (slot === undefined) return never
  return (s) => {
    if (++s.depth > MAX_RULE_DEPTH) throw new EvalAbort(`rule:${name} references itself`)
    const result = slot.evaluate(s)
    s.depth--
    return result
  }
}

/** oslo GenericCheck._find_in_dict. */
function findIn(value: unknown, segments: readonly string[], i: number, match: string): boolean {
  const key = segments[i]
  if (key === undefined) return match === pyStr(value)
  // Python indexes whatever is there; anything but a mapping raises TypeError
  if (!isPlainObject(value)) throw new EvalAbort(`cannot look up ${key} in a non-mapping`)
  if (!Object.hasOwn(value, key)) return false
  const next = value[key]
  if (Array.isArray(next)) return next.some((item) => findIn(item, segments, i + 1, match))
  return findIn(next, segments, i + 1, match)
}

function abort(reason: string): Evaluator {
  return () => {
    throw new EvalAbort(reason)
  }
}
