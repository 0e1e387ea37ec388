/**
 * python-openstackclient's `credential` and `ec2 credentials` commands against a fresh
 * `baton serve identity`: create, list, show, delete, as an operator runs them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { openstack, openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

describe('python-openstackclient manages credentials on baton serve identity', {
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

  test('credential create, list, show, delete', async () => {
    const made = await openstackJson<Row>(
      ['credential', 'create', '--type', 'cert', 'admin', '-----BEGIN CERT-----'],
      env,
    )
    assert.equal(made.type, 'cert')
    assert.equal(made.blob, '-----BEGIN CERT-----')
    const id = String(made.id)
    const listed = await openstackJson<Row[]>(['credential', 'list', '--type', 'cert'], env)
    assert.deepEqual(
      listed.map((c) => c.ID),
      [id],
    )
    const shown = await openstackJson<Row>(['credential', 'show', id], env)
    assert.equal(shown.blob, '-----BEGIN CERT-----')
    await openstackOk(['credential', 'delete', id], env)
    assert.notEqual((await openstack(['credential', 'show', id], env)).code, 0)
  })

  test('ec2 credentials create, list, show, delete', async () => {
    const made = await openstackJson<Row>(['ec2', 'credentials', 'create'], env)
    const access = String(made.access)
    assert.match(access, /^[0-9a-f]{32}$/)
    assert.match(String(made.secret), /^[0-9a-f]{32}$/)
    const listed = await openstackJson<Row[]>(['ec2', 'credentials', 'list'], env)
    assert.ok(
      listed.some((c) => c.Access === access),
      JSON.stringify(listed),
    )
    const shown = await openstackJson<Row>(['ec2', 'credentials', 'show', access], env)
    assert.equal(shown.secret, made.secret)
    assert.equal(shown.project_id, made.project_id)
    // the same credential through /v3/credentials, typed ec2
    const asCredentials = await openstackJson<Row[]>(['credential', 'list', '--type', 'ec2'], env)
    assert.equal(asCredentials.length, 1)
    await openstackOk(['ec2', 'credentials', 'delete', access], env)
    assert.notEqual((await openstack(['ec2', 'credentials', 'show', access], env)).code, 0)
  })
})
