/**
 * Policy files are read as oslo.policy reads them: JSON first, then YAML exactly as PyYAML's
 * `safe_load` reads it (yaml_golden.json, from fixtures/generate_yaml_golden.py), with Baton's
 * check on top that every rule is a string, naming the line of the first one that is not.
 * @module
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { ServerNotReady } from '../../../packages/identity/src/errors.ts'
import { parsePolicyFile } from '../../../packages/identity/src/policy/index.ts'
import { FIXTURES, golden } from './policy_golden.ts'

type YamlCase = {
  name: string
  text: string
  json?: true
} & (
  | { rules: Record<string, string>; order: string[] }
  | { refused: string; line: number | null }
  | { error: string; line: number | null }
)

const yamlGolden: { cases: YamlCase[] } = JSON.parse(
  readFileSync(`${FIXTURES}yaml_golden.json`, 'utf8'),
)
const PATH = '/etc/keystone/policy.yaml'

describe('policy files read as PyYAML reads them', () => {
  for (const c of yamlGolden.cases) {
    it(`${c.name}: ${JSON.stringify(c.text).slice(0, 60)}`, () => {
      const parse = () => parsePolicyFile(c.text, PATH)
      if ('rules' in c) {
        const rules = parse()
        assert.deepStrictEqual(
          Object.entries(rules),
          c.order.map((key) => [key, c.rules[key]]),
        )
        return
      }
      assert.throws(parse, (e: unknown) => {
        assert.ok(e instanceof ServerNotReady)
        assert.match(e.message, /^Cannot read the policy file \/etc\/keystone\/policy\.yaml/)
        // a rule that is not a string: Baton names the line PyYAML's node is on
        if ('refused' in c && c.line !== null) {
          assert.match(e.message, new RegExp(`policy\\.yaml, line ${c.line}: `))
        }
        return true
      })
    })
  }

  for (const [name, expected] of Object.entries(golden.files)) {
    it(`oslo.policy's reading of ${name}`, () => {
      const text = readFileSync(`${FIXTURES}${name}`, 'utf8')
      assert.deepStrictEqual({ ...parsePolicyFile(text, name) }, expected)
    })
  }

  it('every snippet oslo.policy accepts as rules, Baton accepts identically', () => {
    for (const { text, result } of golden.yaml) {
      if (result === null) {
        assert.throws(() => parsePolicyFile(text, PATH), ServerNotReady, JSON.stringify(text))
      } else {
        assert.deepStrictEqual({ ...parsePolicyFile(text, PATH) }, result, JSON.stringify(text))
      }
    }
  })

  it('keeps a rule named like an object property as a plain key', () => {
    const rules = parsePolicyFile('"__proto__": "role:admin"\n"constructor": "@"\n', 'p.yaml')
    assert.equal(Object.getOwnPropertyDescriptor(rules, '__proto__')?.value, 'role:admin')
    assert.equal(rules.constructor, '@')
  })
})

describe('policy file errors name the file and the line', () => {
  const cases: [string, RegExp][] = [
    ['"ok": "@"\n\n"identity:get_user": role: admin\n', /policy\.yaml, line 3: /],
    [
      '"a": "@"\n"b": yes\n',
      /line 2: rule "b": YAML reads the value as a boolean, not a check string; quote it/,
    ],
    ['"a": "@"\n"b": 3\n', /line 2: rule "b": YAML reads the value as a number/],
    ['"a": "@"\n"b": 2024-01-01\n', /line 2: rule "b": YAML reads the value as a timestamp/],
    ['"a": "@"\n"b":\n  - role:admin\n', /line 3: rule "b": YAML reads the value as a list/],
    ['"a":\n', /line 1: rule "a" has no value \(YAML reads it as null\); write "" for "always"/],
    ['1: "@"\n', /line 1: the rule name 1 is a number, not a string; quote it/],
    ['"a": "@"\n"b": "open\n', /policy\.yaml, line \d+: /],
    ['"a":\t"@"\n', /line 1: a tab outside quotes/],
    ['"a": =\n', /line 1: PyYAML cannot load an unquoted "="/],
    ['"a": *x\n', /line 1: the alias \*x has no anchor before it/],
    ['a: b\n---\nc: d\n', /line 2: a second YAML document/],
    ['- a\n', /line 1: the document must be a mapping of rule names/],
    ['{"a": ["role:admin"]}', /policy\.yaml, line 1: rule "a": the old list-of-lists rule syntax/],
    ['{\n  "a": "@",\n  "b": 3\n}', /line 3: rule "b": the rule must be a check string/],
    ['"just a string"', /policy\.yaml: the JSON document must be an object/],
  ]
  for (const [text, message] of cases) {
    it(JSON.stringify(text), () => {
      assert.throws(() => parsePolicyFile(text, '/etc/baton/policy.yaml'), message)
    })
  }

  it('a duplicate key keeps its first place and its last value, as PyYAML does', () => {
    const rules = parsePolicyFile('"a": 1\n"b": "@"\n"a": "role:x"\n', 'p.yaml')
    assert.deepStrictEqual(Object.entries(rules), [
      ['a', 'role:x'],
      ['b', '@'],
    ])
    assert.throws(
      () => parsePolicyFile('"a": "role:x"\n"a": 1\n', 'p.yaml'),
      /p\.yaml, line 2: rule "a": YAML reads the value as a number/,
    )
  })
})
