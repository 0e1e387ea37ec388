import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type IdentityProcess, startIdentity } from './identity_process.ts'
import { openstack, openstackJson, openstackMissing, openstackOk } from './openstack_cli.ts'

type Row = Record<string, unknown>

describe('python-openstackclient drives OS-OAUTH1 consumers on baton serve', {
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

  test('consumer create (secret shown once), list, show, set, delete', async () => {
    const consumer = await openstackJson<Row>(
      ['consumer', 'create', '--description', 'ci runner'],
      env,
    )
    assert.match(String(consumer.id), /^[0-9a-f]{32}$/)
    assert.match(String(consumer.secret), /^[0-9a-f]{32}$/)
    assert.equal(consumer.description, 'ci runner')
    const id = String(consumer.id)

    const listed = await openstackJson<Row[]>(['consumer', 'list'], env)
    assert.deepEqual(listed, [{ ID: id, Description: 'ci runner' }])

    await openstackOk(['consumer', 'set', '--description', 'nightly', id], env)
    const shown = await openstackJson<Row>(['consumer', 'show', id], env)
    assert.equal(shown.description, 'nightly')
    assert.equal(shown.secret, undefined, 'the secret is never shown again')

    await openstackOk(['consumer', 'delete', id], env)
    const gone = await openstack(['consumer', 'show', id], env)
    assert.notEqual(gone.code, 0)
    assert.match(gone.stderr, /No consumer with a name or ID of '[0-9a-f]{32}' exists/)
    assert.deepEqual(await openstackJson<Row[]>(['consumer', 'list'], env), [])
  })
})
