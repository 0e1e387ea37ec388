/**
 * The left-hand side of a generic check, as oslo's GenericCheck reads it: first
 * `ast.literal_eval(kind)` (`True`, `None`, `'member'`, `3` compare against the rendered match
 * directly), and when that is not a literal, a dotted path into the credentials
 * (`token.project.domain.id`). Decided once per check string.
 * @module
 */
import { pyFloatRepr } from '@baton/config'

export type CheckKind =
  /** `str()` of the literal the kind evaluates to. */
  | { readonly type: 'literal'; readonly text: string }
  | { readonly type: 'path'; readonly segments: readonly string[] }
  /** literal_eval raises SyntaxError: evaluation aborts. */
  | { readonly type: 'invalid' }

// Python keywords other than True/False/None: a kind made of one is a SyntaxError.
const KEYWORDS = new Set(
  (
    'and as assert async await break class continue def del elif else except finally for from ' +
    'global if import in is lambda nonlocal not or pass raise return try while with yield'
  ).split(' '),
)

// `a-b` is a valid (non-literal) Python expression, so oslo falls back to a path lookup
const PATH_SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z_][A-Za-z0-9_]*)*$/
const DECIMAL = /^[+-]?(0(_?0)*|[1-9](_?[0-9])*)$/
const PREFIXED = /^([+-]?)0([xX](_?[0-9a-fA-F])+|[oO](_?[0-7])+|[bB](_?[01])+)$/
const FLOAT =
  /^[+-]?(([0-9](_?[0-9])*)?\.[0-9](_?[0-9])*|[0-9](_?[0-9])*\.?)([eE][+-]?[0-9](_?[0-9])*)?$/
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
}

export function classifyKind(kind: string): CheckKind {
  if (kind === 'True' || kind === 'False' || kind === 'None') return { type: 'literal', text: kind }
  const quoted = stringLiteral(kind)
  if (quoted !== undefined) return quoted
  const number = numberLiteral(kind)
  if (number !== undefined) return { type: 'literal', text: number }
  const segments = kind.split('.')
  const isPath = segments.every((s) => PATH_SEGMENT.test(s) && !KEYWORDS.has(s))
  return isPath ? { type: 'path', segments } : { type: 'invalid' }
}

function stringLiteral(kind: string): CheckKind | undefined {
  const quote = kind[0]
  if ((quote !== '"' && quote !== "'") || kind.length < 2) return undefined
  let text = ''
  for (let i = 1; i < kind.length; i++) {
    const ch = kind[i] as string
    if (ch === quote) return i === kind.length - 1 ? { type: 'literal', text } : { type: 'invalid' }
    if (ch !== '\\') {
      text += ch
      continue
    }
    const next = kind[++i]
    if (next === undefined) return { type: 'invalid' }
    // Python keeps unknown escapes verbatim (with a warning)
    text += ESCAPES[next] ?? `\\${next}`
  }
  return { type: 'invalid' }
}

function numberLiteral(kind: string): string | undefined {
  if (DECIMAL.test(kind)) return BigInt(kind.replaceAll('_', '')).toString()
  const prefixed = PREFIXED.exec(kind)
  if (prefixed) {
    const value = BigInt(`0${(prefixed[2] ?? '').replaceAll('_', '')}`)
    return (prefixed[1] === '-' ? -value : value).toString()
  }
  if (FLOAT.test(kind) && /[.eE]/.test(kind)) return pyFloatRepr(Number(kind.replaceAll('_', '')))
  return undefined
}
