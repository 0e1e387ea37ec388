import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Caller } from '../../../packages/identity/src/core/caller.ts'
import { Forbidden, KeystoneError } from '../../../packages/identity/src/errors.ts'
import {
  createPolicyEnforcer,
  forbiddenActionMessage,
} from '../../../packages/identity/src/policy/index.ts'

const base = {
  userId: 'u1',
  userDomainId: 'd1',
  isAdminProject: true,
  methods: ['password'],
  auditIds: ['a1'],
  expiresAt: '2030-01-01T00:00:00.000000Z',
}
const member: Caller = {
  ...base,
  roles: ['member', 'reader'],
  roleIds: ['r1', 'r2'],
  scope: { kind: 'project', projectId: 'p1', projectDomainId: 'd1' },
}
const systemReader: Caller = {
  ...base,
  roles: ['reader'],
  roleIds: ['r2'],
  scope: { kind: 'system', system: 'all' },
}
const domainAdmin: Caller = {
  ...base,
  roles: ['admin'],
  roleIds: ['r0'],
  scope: { kind: 'domain', domainId: 'd1' },
}
const unscoped: Caller = { ...base, roles: [], roleIds: [], scope: { kind: 'unscoped' } }

describe('enforce and allows', () => {
  const policy = createPolicyEnforcer()

  it('throws Keystone ForbiddenAction text as the registry Forbidden (403)', () => {
    // keystone/exception.py ForbiddenAction.message_format
    assert.equal(
      forbiddenActionMessage('identity:list_users'),
      'You are not authorized to perform the requested action: identity:list_users.',
    )
    assert.throws(
      () => policy.enforce(member, 'identity:list_users'),
      (e: unknown) => {
        assert.ok(e instanceof Forbidden && e instanceof KeystoneError)
        assert.equal(e.status, 403)
        assert.equal(e.message, forbiddenActionMessage('identity:list_users'))
        return true
      },
    )
    assert.doesNotThrow(() => policy.enforce(systemReader, 'identity:list_users'))
  })

  it('answers the same question as a boolean', () => {
    assert.equal(policy.allows(member, 'identity:list_users'), false)
    assert.equal(policy.allows(systemReader, 'identity:list_users'), true)
  })

  it('reads nested targets, dotted keys and both alike; undefined is absent', () => {
    const nested = { target: { user: { id: 'u1', domain_id: 'd9' } } }
    const flat = { 'target.user.id': 'u1', 'target.user.domain_id': 'd9' }
    const mixed = { target: { 'user.id': 'u1' } }
    for (const t of [nested, flat, mixed]) assert.ok(policy.allows(member, 'identity:get_user', t))
    assert.ok(!policy.allows(member, 'identity:get_user', { target: { user: { id: undefined } } }))
    assert.ok(!policy.allows(member, 'identity:get_user'))
  })

  it('fails closed on an action nobody defines', () => {
    assert.equal(policy.allows(systemReader, 'identity:no_such_action'), false)
    assert.equal(policy.effectiveRule('identity:no_such_action'), undefined)
  })

  it('lets any token reach the auth discovery routes', () => {
    for (const caller of [member, systemReader, domainAdmin, unscoped]) {
      assert.ok(policy.allows(caller, 'identity:get_auth_projects'))
    }
  })
})

describe('policy file overrides', () => {
  it('replace the default outright (no OR with the deprecated rule)', () => {
    const policy = createPolicyEnforcer({ rules: { 'identity:get_user': 'role:nobody' } })
    assert.equal(policy.effectiveRule('identity:get_user'), 'role:nobody')
    const self = { target: { user: { id: 'u1', domain_id: 'd1' } } }
    assert.equal(policy.allows(member, 'identity:get_user', self), false)
  })

  it('change every rule that references an overridden base rule', () => {
    const policy = createPolicyEnforcer({ rules: { admin_required: 'role:member' } })
    assert.ok(policy.allows(member, 'identity:create_project'))
  })

  it('can define the default rule for rules nobody defines, and the option can rename it', () => {
    const rules = { default: 'role:member', fallback: 'role:reader', 'x:a': 'rule:missing' }
    assert.ok(createPolicyEnforcer({ rules }).allows(member, 'identity:no_such_action'))
    assert.ok(createPolicyEnforcer({ rules }).allows(member, 'x:a'))
    const renamed = createPolicyEnforcer({ rules, defaultRule: 'fallback' })
    assert.ok(renamed.allows(systemReader, 'identity:no_such_action'))
    assert.ok(!createPolicyEnforcer({ rules, defaultRule: '' }).allows(member, 'x:a'))
  })

  it('keep the registered scope types under enforce_scope', () => {
    const policy = createPolicyEnforcer({
      rules: { 'identity:list_roles': '@' },
      enforceScope: true,
    })
    assert.ok(policy.allows(member, 'identity:list_roles'))
    assert.ok(!policy.allows(domainAdmin, 'identity:list_roles'), 'roles are system/project')
  })
})

describe('enforce_scope', () => {
  it('refuses a token whose scope is not in scope_types, unscoped counting as project', () => {
    const scoped = createPolicyEnforcer({ enforceScope: true })
    const legacy = createPolicyEnforcer()
    assert.ok(legacy.allows(domainAdmin, 'identity:create_service'))
    assert.ok(!scoped.allows(domainAdmin, 'identity:create_service'))
    assert.throws(
      () => scoped.enforce(domainAdmin, 'identity:create_service'),
      new RegExp(forbiddenActionMessage('identity:create_service').replace(/[.:]/g, '\\$&')),
    )
    const self = { user_id: 'u1' }
    assert.ok(scoped.allows(member, 'identity:create_application_credential', self))
    assert.ok(scoped.allows(unscoped, 'identity:create_application_credential', self))
    assert.ok(!scoped.allows(systemReader, 'identity:create_application_credential', self))
  })
})

describe('problems are reported, and fail closed', () => {
  it('reports unparseable rules, undefined references, cycles and remote checks', () => {
    const warnings: string[] = []
    const policy = createPolicyEnforcer({
      rules: {
        broken: 'role:admin or',
        dangling: 'rule:nowhere',
        loop: 'rule:loop',
        remote: 'http://policy.example/check',
      },
      onWarning: (m) => warnings.push(m),
    })
    const text = warnings.join('\n')
    assert.match(text, /policy broken: Failed to understand rule role:admin or/)
    assert.match(text, /dangling -> rule:nowhere/)
    assert.match(text, /cyclical reference .*loop/)
    assert.match(text, /policy remote: http:\/\/policy.example\/check: remote .* not supported/)
    for (const name of ['broken', 'dangling', 'loop', 'remote']) {
      assert.equal(policy.allows(systemReader, name), false, name)
    }
    assert.equal(warnings.filter((w) => w.includes('evaluation failed')).length, 2)
    policy.allows(systemReader, 'loop')
    assert.equal(warnings.filter((w) => w.includes('evaluation failed')).length, 2, 'said once')
  })

  it('reports nothing for Keystone defaults alone', () => {
    const warnings: string[] = []
    createPolicyEnforcer({ onWarning: (m) => warnings.push(m) })
    createPolicyEnforcer({ enforceNewDefaults: true, onWarning: (m) => warnings.push(m) })
    assert.deepStrictEqual(warnings, [])
  })

  it('denies when Python would raise, even under not', () => {
    const policy = createPolicyEnforcer({ rules: { a: 'not user_id.x:y', b: 'not x:50%' } })
    assert.equal(policy.allows(member, 'a'), false)
    assert.equal(policy.allows(member, 'b'), false)
  })
})
