import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { ServerNotReady } from '../../../packages/identity/src/errors.ts'
import { parsePolicyFile } from '../../../packages/identity/src/policy/index.ts'
import { FIXTURES, golden } from './policy_golden.ts'

/**
 * Valid YAML that Baton refuses rather than half-supports (block scalars, folded continuation
 * lines, an indented mapping, explicit keys, anchors): each gets an error with its line.
 */
const REFUSED_THOUGH_VALID = new Set([
  '  a: b',
  'a: b\n  c',
  'a: |\n  x',
  'a: >\n  x',
  '? a\n: b',
  'a: &x b',
  'a: "x\\\n  y"',
  'a: "multi\n  line"',
])

describe('policy files read as oslo.policy reads them', () => {
  for (const [name, expected] of Object.entries(golden.files)) {
    it(name, () => {
      const text = readFileSync(`${FIXTURES}${name}`, 'utf8')
      assert.deepStrictEqual({ ...parsePolicyFile(text, name) }, expected)
    })
  }

  for (const { text, result } of golden.yaml) {
    it(`snippet ${JSON.stringify(text)}`, () => {
      const parse = () => parsePolicyFile(text, '/etc/keystone/policy.yaml')
      if (result === null || REFUSED_THOUGH_VALID.has(text)) {
        assert.throws(parse, (e: unknown) => {
          assert.ok(e instanceof ServerNotReady)
          assert.match(e.message, /^Cannot read the policy file \/etc\/keystone\/policy\.yaml/)
          return true
        })
      } else {
        assert.deepStrictEqual({ ...parse() }, result)
      }
    })
  }

  it('keeps a rule named like an object property as a plain key', () => {
    const rules = parsePolicyFile('"__proto__": "role:admin"\n"constructor": "@"\n', 'p.yaml')
    assert.equal(Object.getOwnPropertyDescriptor(rules, '__proto__')?.value, 'role:admin')
    assert.equal(rules.constructor, '@')
  })
})

describe('policy file errors name the file and the line', () => {
  const cases: [string, RegExp][] = [
    ['"ok": "@"\n\n"identity:get_user": role: admin\n', /policy\.yaml, line 3: ": " inside/],
    ['"a": "@"\n  "b": "@"\n', /line 2: indented line: nested or multi-line YAML is not supported/],
    ['"a": yes\n', /line 1: YAML reads the unquoted value "yes" as a boolean; quote it/],
    ['"a":\n', /line 1: the rule has no value \(YAML reads it as null\); write "" for "always"/],
    ['"a": "open\n', /line 1: the quoted scalar does not end on this line/],
    ['"a": [x]\n', /line 1: an unquoted value cannot start with "\["; quote it/],
    ['"a": "\\q"\n', /line 1: unknown escape "\\q"/],
    ['a: b\n---\nc: d\n', /line 2: a second YAML document/],
    ['{"a": ["role:admin"]}', /policy\.yaml, line 1: rule "a": the old list-of-lists rule syntax/],
    ['{\n  "a": "@",\n  "b": 3\n}', /line 3: rule "b": the rule must be a check string/],
    ['"just a string"', /policy\.yaml: the JSON document must be an object/],
  ]
  for (const [text, message] of cases) {
    it(JSON.stringify(text), () => {
      assert.throws(() => parsePolicyFile(text, '/etc/baton/policy.yaml'), message)
    })
  }
})
