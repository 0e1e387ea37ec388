import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import type { PolicyTarget } from '../../../packages/identity/src/core/caller.ts'
import {
  createPolicyEnforcer,
  KEYSTONE_DEFAULT_POLICIES,
  parsePolicyFile,
} from '../../../packages/identity/src/policy/index.ts'
import { FIXTURES, golden, modeOptions, persona, targetFor } from './policy_golden.ts'

const readFixture = (name: string) =>
  parsePolicyFile(readFileSync(`${FIXTURES}${name}`, 'utf8'), name)

describe('Keystone 22 default policies', () => {
  it('are exactly keystone.common.policies.list_rules() for every action Baton serves', () => {
    const ours = Object.fromEntries(
      KEYSTONE_DEFAULT_POLICIES.map((p) => [
        p.name,
        {
          check_str: p.checkStr,
          scope_types: p.scopeTypes ? [...p.scopeTypes] : null,
          ...(p.deprecatedCheckStr !== undefined
            ? { deprecated_check_str: p.deprecatedCheckStr }
            : {}),
        },
      ]),
    )
    assert.equal(KEYSTONE_DEFAULT_POLICIES.length, Object.keys(ours).length, 'no duplicate names')
    assert.deepStrictEqual(ours, golden.rules)
  })

  it('combine with their deprecated check strings as oslo prints them', () => {
    for (const [mode, rules] of Object.entries(golden.effective)) {
      const options = golden.modes[mode]
      assert.ok(options)
      const enforcer = createPolicyEnforcer(modeOptions(options, readFixture))
      for (const [name, expected] of Object.entries(rules)) {
        assert.equal(enforcer.effectiveRule(name), expected, `${mode} ${name}`)
      }
    }
  })
})

describe('decisions equal oslo.policy with Keystone 22 defaults', () => {
  const modes = Object.entries(golden.modes)
  const enforcers = modes.map(([, mode]) => createPolicyEnforcer(modeOptions(mode, readFixture)))
  let rows = 0

  for (const [action, byTarget] of Object.entries(golden.decisions)) {
    it(action, () => {
      for (const [targetName, byPersona] of Object.entries(byTarget)) {
        for (const [personaName, expected] of Object.entries(byPersona)) {
          const { caller, home } = persona(personaName)
          const target = targetFor(golden.targets[targetName], home) as PolicyTarget
          const got = enforcers.map((e) => (e.allows(caller, action, target) ? '1' : '0')).join('')
          // 'E' (oslo raised, Keystone answers 500) must be a denial in Baton
          assert.equal(got, expected.replaceAll('E', '0'), `${personaName} on ${targetName}`)
          rows++
        }
      }
    })
  }

  it('covered every action, persona and mode', () => {
    assert.deepStrictEqual(
      modes.map(([name]) => name),
      ['legacy', 'new', 'scope', 'strict', 'file'],
    )
    assert.ok(rows > 3500, `${rows} rows`)
    const served = new Set(KEYSTONE_DEFAULT_POLICIES.map((p) => p.name))
    for (const action of Object.keys(golden.decisions)) assert.ok(served.has(action), action)
    for (const name of served) {
      if (name.startsWith('identity:')) assert.ok(name in golden.decisions, `${name} has rows`)
    }
  })
})
