import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  type IdentityProcess,
  startIdentity,
} from '../../interop/identity_process.ts'
import {
  openstack,
  openstackJson,
  openstackMissing,
  openstackOk,
} from '../../interop/openstack_cli.ts'
import { provisionServiceUsers, type Storage, startStorage } from '../storage_support.ts'

type Row = Record<string, unknown>

describe('python-openstackclient drives the object service', { skip: openstackMissing }, () => {
  let identity: IdentityProcess
  let storage: Storage
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'baton-object-cli-'))
  const file = join(dir, 'payload.bin')
  const data = randomBytes(200_000)

  before(async () => {
    identity = await startIdentity()
    const { authtoken, serviceUser } = await provisionServiceUsers(identity.url, ADMIN_PASSWORD)
    storage = await startStorage({
      identityUrl: identity.url,
      authtoken,
      imageServiceUser: serviceUser,
      adminPassword: ADMIN_PASSWORD,
    })
    env = identity.adminEnv
    writeFileSync(file, data)
  })
  after(async () => {
    await storage?.close()
    await identity?.stop()
  })

  test('container create|list|show|delete and object create|list|show|save|delete', async () => {
    const [created] = await openstackJson<Row[]>(['container', 'create', 'cli-box'], env)
    assert.equal(created?.container, 'cli-box')
    assert.match(String(created?.account), /^AUTH_[0-9a-f]{32}$/)
    assert.deepEqual(await openstackJson<Row[]>(['container', 'list'], env), [{ Name: 'cli-box' }])
    const [object] = await openstackJson<Row[]>(
      ['object', 'create', '--name', 'dir/payload.bin', 'cli-box', file],
      env,
    )
    const md5 = createHash('md5').update(data).digest('hex')
    assert.equal(object?.etag, md5)
    assert.deepEqual(await openstackJson<Row[]>(['object', 'list', 'cli-box'], env), [
      { Name: 'dir/payload.bin' },
    ])
    const shown = await openstackJson<Row>(['object', 'show', 'cli-box', 'dir/payload.bin'], env)
    assert.equal(shown.etag, md5)
    assert.equal(shown['content-length'], String(data.length))
    const box = await openstackJson<Row>(['container', 'show', 'cli-box'], env)
    assert.equal(String(box.object_count), '1')
    assert.equal(String(box.bytes_used), String(data.length))
    const saved = join(dir, 'saved.bin')
    await openstackOk(['object', 'save', '--file', saved, 'cli-box', 'dir/payload.bin'], env)
    assert.deepEqual(readFileSync(saved), data)
    const notEmpty = await openstack(['container', 'delete', 'cli-box'], env)
    assert.notEqual(notEmpty.code, 0, 'a container with objects is not deleted (409)')
    await openstackOk(['object', 'delete', 'cli-box', 'dir/payload.bin'], env)
    assert.deepEqual(await openstackJson<Row[]>(['object', 'list', 'cli-box'], env), [])
    await openstackOk(['container', 'delete', 'cli-box'], env)
    assert.deepEqual(await openstackJson<Row[]>(['container', 'list'], env), [])
  })
})
