import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { openstack, openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

describe('python-openstackclient drives unified limits and OS-POLICY on baton serve', {
  skip: openstackMissing,
}, () => {
  let identity: IdentityProcess
  let env: Record<string, string>
  before(async () => {
    identity = await startIdentity()
    env = identity.adminEnv
  })
  after(async () => {
    await identity?.stop()
  })

  test('registered limit and limit: create, list, show, set, delete', async () => {
    const service = await openstackJson<Row>(
      ['service', 'create', '--name', 'nova', 'compute'],
      env,
    )
    const registered = await openstackJson<Row>(
      [
        'registered',
        'limit',
        'create',
        '--service',
        'nova',
        '--default-limit',
        '10',
        '--description',
        'cores of nova',
        'cores',
      ],
      env,
    )
    assert.equal(registered.service_id, service.id)
    assert.equal(registered.default_limit, 10)
    const listed = await openstackJson<Row[]>(
      ['registered', 'limit', 'list', '--service', 'nova', '--resource-name', 'cores'],
      env,
    )
    assert.deepEqual(
      listed.map((r) => r.ID),
      [registered.id],
    )
    await openstackOk(
      ['registered', 'limit', 'set', '--default-limit', '20', String(registered.id)],
      env,
    )
    const shown = await openstackJson<Row>(
      ['registered', 'limit', 'show', String(registered.id)],
      env,
    )
    assert.equal(shown.default_limit, 20)

    const limit = await openstackJson<Row>(
      [
        'limit',
        'create',
        '--project',
        'admin',
        '--service',
        'nova',
        '--resource-limit',
        '5',
        'cores',
      ],
      env,
    )
    assert.equal(limit.resource_limit, 5)
    assert.equal(limit.resource_name, 'cores')
    const limits = await openstackJson<Row[]>(['limit', 'list', '--service', 'nova'], env)
    assert.deepEqual(
      limits.map((l) => l.ID),
      [limit.id],
    )
    await openstackOk(['limit', 'set', '--resource-limit', '7', String(limit.id)], env)
    assert.equal(
      (await openstackJson<Row>(['limit', 'show', String(limit.id)], env)).resource_limit,
      7,
    )
    const duplicate = await openstack(
      [
        'limit',
        'create',
        '--project',
        'admin',
        '--service',
        'nova',
        '--resource-limit',
        '1',
        'cores',
      ],
      env,
    )
    assert.notEqual(duplicate.code, 0)
    assert.match(duplicate.stderr, /Duplicate entry.*HTTP 409/s)
    const referenced = await openstack(
      ['registered', 'limit', 'delete', String(registered.id)],
      env,
    )
    assert.notEqual(referenced.code, 0, 'a registered limit with limits cannot go')
    await openstackOk(['limit', 'delete', String(limit.id)], env)
    await openstackOk(['registered', 'limit', 'delete', String(registered.id)], env)
    assert.deepEqual(await openstackJson<Row[]>(['registered', 'limit', 'list'], env), [])
  })

  test('policy: create, list, show, set, delete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-policy-'))
    const blob = join(dir, 'policy.json')
    writeFileSync(blob, '{"identity:list_users": ""}')
    const policy = await openstackJson<Row>(
      ['policy', 'create', '--type', 'application/json', blob],
      env,
    )
    rmSync(dir, { recursive: true })
    assert.equal(
      policy.rules,
      '{"identity:list_users": ""}',
      'openstackclient shows the blob as rules',
    )
    assert.equal(policy.type, 'application/json')
    await openstackOk(['policy', 'set', '--type', 'text/plain', String(policy.id)], env)
    assert.equal(
      (await openstackJson<Row>(['policy', 'show', String(policy.id)], env)).type,
      'text/plain',
    )
    const all = await openstackJson<Row[]>(['policy', 'list'], env)
    assert.ok(all.some((p) => p.ID === policy.id))
    await openstackOk(['policy', 'delete', String(policy.id)], env)
  })
})
