import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  createPolicyEnforcer,
  formatCheck,
  parseCheckString,
} from '../../../packages/identity/src/policy/index.ts'
import { golden, persona } from './policy_golden.ts'

const { helpers, target, personas, cases } = golden.parser

describe('check strings parse as oslo_policy._parser parses them', () => {
  for (const c of cases) {
    it(JSON.stringify(c.check), () => {
      // oslo returns a bare TrueCheck for "" without building a tree; its str() is "@"
      const expected = c.check === '' ? '@' : c.str
      assert.equal(formatCheck(parseCheckString(c.check).check), expected)
    })
  }

  it('reports what oslo would log as "Failed to understand rule"', () => {
    assert.equal(
      parseCheckString('role:admin or').problem,
      'Failed to understand rule role:admin or',
    )
    assert.equal(parseCheckString('role:admin or role:reader').problem, undefined)
  })
})

describe('check strings evaluate as oslo.policy evaluates them', () => {
  for (const c of cases) {
    it(JSON.stringify(c.check), () => {
      const enforcer = createPolicyEnforcer({ rules: { ...helpers, case: c.check } })
      for (const name of personas) {
        const expected = c.results[name]
        assert.ok(expected, name)
        // 'E': oslo raised (Keystone answers 500); Baton denies
        const want = expected === '1'
        assert.equal(enforcer.allows(persona(name).caller, 'case', target), want, name)
      }
    })
  }
})
