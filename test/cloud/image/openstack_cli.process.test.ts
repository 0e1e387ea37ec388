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
import {
  accountUrl,
  loginAdmin,
  provisionServiceUsers,
  type Storage,
  startStorage,
} from '../storage_support.ts'

type Row = Record<string, unknown>

describe('python-openstackclient drives the image service (data in the object service)', {
  skip: openstackMissing,
}, () => {
  let identity: IdentityProcess
  let storage: Storage
  let env: Record<string, string>
  const dir = mkdtempSync(join(tmpdir(), 'baton-image-cli-'))
  const file = join(dir, 'disk.raw')
  const data = randomBytes(300_000)

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

  test('image create --file, list, show, save, delete', async () => {
    const created = await openstackJson<Row>(
      ['image', 'create', '--file', file, '--disk-format', 'raw', 'cli-image'],
      env,
    )
    assert.equal(created.name, 'cli-image')
    const id = String(created.id)
    const listed = await openstackJson<Row[]>(['image', 'list'], env)
    assert.deepEqual(
      listed.find((r) => r.ID === id),
      { ID: id, Name: 'cli-image', Status: 'active' },
    )
    const shown = await openstackJson<Row>(['image', 'show', 'cli-image'], env)
    assert.equal(shown.status, 'active')
    assert.equal(shown.size, data.length)
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'))
    // the bytes really are in the object service, in the admin project's account
    const admin = await loginAdmin(identity.url, ADMIN_PASSWORD)
    const stored = await fetch(`${accountUrl(storage, admin.projectId)}/glance_images/${id}`, {
      method: 'HEAD',
      headers: { 'X-Auth-Token': admin.token },
    })
    assert.equal(stored.headers.get('content-length'), String(data.length))
    const saved = join(dir, 'saved.raw')
    await openstackOk(['image', 'save', '--file', saved, 'cli-image'], env)
    assert.deepEqual(readFileSync(saved), data)
    await openstackOk(['image', 'delete', 'cli-image'], env)
    const gone = await openstack(['image', 'show', id], env)
    assert.notEqual(gone.code, 0)
    const after = await fetch(`${accountUrl(storage, admin.projectId)}/glance_images/${id}`, {
      method: 'HEAD',
      headers: { 'X-Auth-Token': admin.token },
    })
    assert.equal(after.status, 404, 'the stored data went with the image')
  })
})
