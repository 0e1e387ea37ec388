/**
 * The policy language parser, a transcription of oslo_policy._parser: a whitespace tokenizer that
 * peels parentheses off tokens, and the same greedy shift-reduce state machine, so precedence,
 * case-insensitive operators and every oddity (a quoted token, `role:admin)` failing to parse,
 * `True` alone being a check that fails) come out exactly as in Keystone. A string that does not
 * reduce to one check fails closed, as oslo does.
 * @module
 */
import { type Check, FALSE_CHECK, TRUE_CHECK } from './check_types.ts'

export interface ParsedCheck {
  readonly check: Check
  /** Set when oslo would log "Failed to understand rule" (the check then always fails). */
  readonly problem?: string
}

type Token = '(' | ')' | 'and' | 'or' | 'not' | 'string' | 'check' | 'and_expr' | 'or_expr'
type MutableAnd = { readonly type: 'and'; readonly checks: Check[] }
type MutableOr = { readonly type: 'or'; readonly checks: Check[] }
type Value = Check | string
type Reduction = (values: Value[]) => [Token, Value][]

// Python's whitespace for `re.split(r'\s+')` (adds \x1c-\x1f and \x85 to JavaScript's)
// biome-ignore lint/suspicious/noControlCharactersInRegex: those are whitespace to Python
const SPACES = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/

/** oslo `_parse_check`: one `kind:match` (or `@`, `!`). */
function parseSingle(rule: string): Check {
  if (rule === '!') return FALSE_CHECK
  if (rule === '@') return TRUE_CHECK
  const colon = rule.indexOf(':')
  // no colon: oslo logs and fails closed
  if (colon < 0) return FALSE_CHECK
  return { type: 'match', kind: rule.slice(0, colon), match: rule.slice(colon + 1) }
}

function* tokenize(rule: string): Generator<[Token, Value]> {
  for (const raw of rule.split(SPACES)) {
    if (!raw) continue
    const tok = raw.replace(/^\(+/, '')
    for (let i = 0; i < raw.length - tok.length; i++) yield ['(', '(']
    if (!tok) continue
    const clean = tok.replace(/\)+$/, '')
    const trail = tok.length - clean.length
    const lowered = clean.toLowerCase()
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') {
      yield [lowered, clean]
    } else if (clean) {
      // the quote test looks at the token with its trailing parentheses, as oslo's does
      const first = tok[0]
      if (tok.length >= 2 && (first === '"' || first === "'") && tok.at(-1) === first) {
        yield ['string', tok.slice(1, -1)]
      } else {
        yield ['check', parseSingle(clean)]
      }
    }
    for (let i = 0; i < trail; i++) yield [')', ')']
  }
}

const asCheck = (v: Value | undefined): Check => (typeof v === 'object' ? v : FALSE_CHECK)

const wrap: Reduction = (v) => [['check', asCheck(v[1])]]
const makeAnd: Reduction = (v) => [
  ['and_expr', { type: 'and', checks: [asCheck(v[0]), asCheck(v[2])] }],
]
const makeOr: Reduction = (v) => [
  ['or_expr', { type: 'or', checks: [asCheck(v[0]), asCheck(v[2])] }],
]
const extendAnd: Reduction = (v) => {
  const and = v[0] as MutableAnd
  and.checks.push(asCheck(v[2]))
  return [['and_expr', and]]
}
const extendOr: Reduction = (v) => {
  const or = v[0] as MutableOr
  or.checks.push(asCheck(v[2]))
  return [['or_expr', or]]
}
/** `A or B and C`: B and C bind first (oslo pops B off the or and joins it with C). */
const mixOrAnd: Reduction = (v) => {
  const or = v[0] as MutableOr
  const last = or.checks.pop() ?? FALSE_CHECK
  const check = asCheck(v[2])
  if (last.type === 'and') (last as MutableAnd).checks.push(check)
  or.checks.push(last.type === 'and' ? last : { type: 'and', checks: [last, check] })
  return [['or_expr', or]]
}
const makeNot: Reduction = (v) => [['check', { type: 'not', check: asCheck(v[1]) }]]

// The order oslo's metaclass collects them (decorators apply bottom-up).
const REDUCERS: readonly (readonly [readonly Token[], Reduction])[] = [
  [['(', 'or_expr', ')'], wrap],
  [['(', 'and_expr', ')'], wrap],
  [['(', 'check', ')'], wrap],
  [['check', 'and', 'check'], makeAnd],
  [['or_expr', 'and', 'check'], mixOrAnd],
  [['and_expr', 'and', 'check'], extendAnd],
  [['and_expr', 'or', 'check'], makeOr],
  [['check', 'or', 'check'], makeOr],
  [['or_expr', 'or', 'check'], extendOr],
  [['not', 'check'], makeNot],
]

function endsWith(tokens: readonly Token[], pattern: readonly Token[]): boolean {
  if (tokens.length < pattern.length) return false
  const offset = tokens.length - pattern.length
  return pattern.every((t, i) => tokens[offset + i] === t)
}

/** Parses a check string into a tree; never throws. */
export function parseCheckString(rule: string): ParsedCheck {
  if (!rule) return { check: TRUE_CHECK }
  const tokens: Token[] = []
  const values: Value[] = []
  for (const [token, value] of tokenize(rule)) {
    tokens.push(token)
    values.push(value)
    reduce: for (;;) {
      for (const [pattern, reduction] of REDUCERS) {
        if (!endsWith(tokens, pattern)) continue
        const results = reduction(values.slice(-pattern.length))
        tokens.splice(-pattern.length, pattern.length, ...results.map((r) => r[0]))
        values.splice(-pattern.length, pattern.length, ...results.map((r) => r[1]))
        continue reduce
      }
      break
    }
  }
  const only = values[0]
  if (values.length !== 1 || only === undefined) {
    return { check: FALSE_CHECK, problem: `Failed to understand rule ${rule}` }
  }
  if (typeof only === 'string') {
    return { check: { type: 'string', value: only }, problem: `Rule ${rule} is not a check` }
  }
  return { check: only }
}
