/**
 * The parsed form of an oslo.policy check string (oslo_policy._checks), and its canonical text
 * (oslo's `str()` of the tree, which the golden tests compare).
 * @module
 */

/** A parsed check. `and`/`or` hold two or more checks, flattened the way oslo's parser builds them. */
export type Check =
  | { readonly type: 'true' }
  | { readonly type: 'false' }
  | { readonly type: 'not'; readonly check: Check }
  | { readonly type: 'and'; readonly checks: readonly Check[] }
  | { readonly type: 'or'; readonly checks: readonly Check[] }
  /** `kind:match`: kind `rule`, `role`, `http`/`https` or any other (a generic check). */
  | { readonly type: 'match'; readonly kind: string; readonly match: string }
  /**
   * A lone quoted token (`"'role:admin'"`): oslo's parser returns the bare string as the rule, and
   * evaluating it raises. Kept so such a rule aborts like it does in Keystone instead of passing.
   */
  | { readonly type: 'string'; readonly value: string }

export const TRUE_CHECK: Check = { type: 'true' }
export const FALSE_CHECK: Check = { type: 'false' }

/** oslo's `str(check)`: `(a and b)`, `(a or b)`, `not a`, `@`, `!`, `kind:match`. */
export function formatCheck(check: Check): string {
  switch (check.type) {
    case 'true':
      return '@'
    case 'false':
      return '!'
    case 'not':
      return `not ${formatCheck(check.check)}`
    case 'and':
      return `(${check.checks.map(formatCheck).join(' and ')})`
    case 'or':
      return `(${check.checks.map(formatCheck).join(' or ')})`
    case 'match':
      return `${check.kind}:${check.match}`
    case 'string':
      return check.value
  }
}

/**
 * Evaluation hit something Python raises on (not KeyError): a bad `%` specifier, a kind that is not
 * valid Python, indexing into a string, a rule cycle. Keystone answers 500; Baton denies.
 */
export class EvalAbort extends Error {
  override readonly name = 'EvalAbort'
}
