import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { loadConfig } from '@baton/config'
import type { Caller } from '../../../packages/identity/src/core/caller.ts'
import { ServerNotReady } from '../../../packages/identity/src/errors.ts'
import { identityOptionGroups, policyOptions } from '../../../packages/identity/src/options.ts'
import {
  findPolicyFile,
  loadPolicyFile,
  type PolicyFileLookup,
  policyFromConfig,
} from '../../../packages/identity/src/policy/index.ts'

const root = mkdtempSync(join(tmpdir(), 'baton-policy-'))
after(() => rmSync(root, { recursive: true, force: true }))

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 't-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const lookup = (dir: string, over: Partial<PolicyFileLookup> = {}): PolicyFileLookup => ({
  policyFile: 'policy.yaml',
  isDefault: true,
  configFiles: [],
  home: join(dir, 'home'),
  // keep the host's /etc out of the search
  exists: (p) => p.startsWith(dir) && existsSync(p),
  ...over,
})

describe('the policy file is found where oslo.policy finds it', () => {
  it('beside the config files, the last one first, after --config-dir', () => {
    const dir = tree({
      'a/keystone.conf': '',
      'a/policy.yaml': '"x": "@"',
      'b/keystone.conf': '',
      'b/policy.yaml': '"x": "!"',
      'c/policy.yaml': '',
    })
    const files = [join(dir, 'a/keystone.conf'), join(dir, 'b/keystone.conf')]
    assert.equal(findPolicyFile(lookup(dir, { configFiles: files })), join(dir, 'b/policy.yaml'))
    assert.equal(
      findPolicyFile(lookup(dir, { configFiles: files, configDirs: [join(dir, 'c')] })),
      join(dir, 'c/policy.yaml'),
    )
  })

  it('then in ~/.keystone and ~; an absolute path is used as is', () => {
    const dir = tree({ 'home/.keystone/policy.yaml': '', 'home/policy.yaml': '', 'abs.yaml': '' })
    assert.equal(findPolicyFile(lookup(dir)), join(dir, 'home/.keystone/policy.yaml'))
    const abs = join(dir, 'abs.yaml')
    assert.equal(findPolicyFile(lookup(dir, { policyFile: abs, isDefault: false })), abs)
  })

  it('falls back to policy.json only when policy_file was left at its default', () => {
    const dir = tree({ 'etc/keystone.conf': '', 'etc/policy.json': '{}' })
    const configFiles = [join(dir, 'etc/keystone.conf')]
    assert.equal(findPolicyFile(lookup(dir, { configFiles })), join(dir, 'etc/policy.json'))
    assert.equal(findPolicyFile(lookup(dir, { configFiles, isDefault: false })), undefined)
    assert.equal(findPolicyFile(lookup(dir, { configFiles, policyFile: 'other.yaml' })), undefined)
  })

  it('searches /etc/keystone and /etc last', () => {
    const seen: string[] = []
    findPolicyFile({
      policyFile: 'policy.yaml',
      isDefault: false,
      configFiles: ['/srv/conf/keystone.conf'],
      home: '/home/k',
      exists: (p) => {
        seen.push(p)
        return false
      },
    })
    assert.deepStrictEqual(seen, [
      '/srv/conf/policy.yaml',
      '/home/k/.keystone/policy.yaml',
      '/home/k/policy.yaml',
      '/etc/keystone/policy.yaml',
      '/etc/policy.yaml',
    ])
  })

  it('loads and parses it; none found means no overrides; errors name the file', () => {
    const dir = tree({ 'home/policy.yaml': '"identity:get_user": "role:admin"\n' })
    assert.deepStrictEqual(loadPolicyFile(lookup(dir)), {
      path: join(dir, 'home/policy.yaml'),
      rules: { 'identity:get_user': 'role:admin' },
    })
    assert.deepStrictEqual(loadPolicyFile(lookup(tree({}))), { path: undefined, rules: {} })
    const bad = tree({ 'home/policy.yaml': '"a": "@"\n"b": [x]\n' })
    assert.throws(
      () => loadPolicyFile(lookup(bad)),
      (e: unknown) =>
        e instanceof ServerNotReady &&
        e.message.startsWith(
          `Cannot read the policy file ${join(bad, 'home/policy.yaml')}, line 2:`,
        ),
    )
  })
})

describe('[oslo_policy] options', () => {
  it('default to Keystone 22 (policy.yaml, no scope, deprecated rules still honoured)', () => {
    assert.ok(identityOptionGroups.includes(policyOptions))
    const config = loadConfig({ groups: identityOptionGroups })
    assert.deepStrictEqual(
      { ...config.get(policyOptions) },
      {
        enforce_scope: false,
        enforce_new_defaults: false,
        policy_file: 'policy.yaml',
        policy_default_rule: 'default',
      },
    )
    assert.equal(config.sources(policyOptions).policy_file.source.kind, 'default')
  })

  it('read keystone.conf, including the old [DEFAULT] policy_file', () => {
    const dir = tree({
      'keystone.conf':
        '[DEFAULT]\npolicy_file = old.json\n[oslo_policy]\nenforce_scope = true\n' +
        'enforce_new_defaults = True\n',
    })
    const config = loadConfig({ groups: identityOptionGroups, files: [join(dir, 'keystone.conf')] })
    const values = config.get(policyOptions)
    assert.equal(values.policy_file, 'old.json')
    assert.equal(values.enforce_scope, true)
    assert.equal(values.enforce_new_defaults, true)
    assert.equal(config.sources(policyOptions).policy_file.source.kind, 'file')
  })
})

describe('policyFromConfig', () => {
  const caller: Caller = {
    userId: 'u1',
    userDomainId: 'd1',
    roles: ['admin'],
    roleIds: ['r1'],
    scope: { kind: 'project', projectId: 'p1', projectDomainId: 'd1' },
    isAdminProject: true,
    methods: ['password'],
    auditIds: ['a'],
    expiresAt: '2030-01-01T00:00:00.000000Z',
  }

  it('reads the policy file beside keystone.conf and applies [oslo_policy]', () => {
    const dir = tree({
      'keystone.conf': '[oslo_policy]\npolicy_file = rules.yaml\nenforce_scope = true\n',
      'rules.yaml': '"identity:list_users": "!"\n',
    })
    const config = loadConfig({ groups: identityOptionGroups, files: [join(dir, 'keystone.conf')] })
    const policy = policyFromConfig(config)
    assert.equal(policy.effectiveRule('identity:list_users'), '!')
    assert.ok(policy.allows(caller, 'identity:create_service'))
    assert.ok(
      !policy.allows(
        { ...caller, scope: { kind: 'domain', domainId: 'd1' } },
        'identity:create_service',
      ),
      'scope',
    )
  })

  it('searches the given config dir first and reports rule problems', () => {
    const dir = tree({ 'conf.d/policy.yaml': '"broken": "role:admin or"\n' })
    const config = loadConfig({ groups: identityOptionGroups })
    const warnings: string[] = []
    const policy = policyFromConfig(config, join(dir, 'conf.d'), (m) => warnings.push(m))
    assert.equal(policy.effectiveRule('broken'), '!')
    assert.deepStrictEqual(warnings, ['policy broken: Failed to understand rule role:admin or'])
  })
})
