/**
 * Debian's python-openstackclient against Baton's volume and compute services: `openstack volume
 * create --image IMG --size 1 NAME`, `volume show NAME`, `volume list` (which also lists servers),
 * `flavor list`, `volume delete`, with a real `baton serve identity` process and the real image and
 * object services behind the volume service.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ADMIN_PASSWORD, startIdentity } from '../../interop/identity_process.ts'
import { openstackJson, openstackMissing, openstackOk } from '../../interop/openstack_cli.ts'
import { type ServiceHandle, startCloudService } from '../chain_support.ts'
import { provisionServiceUsers, startStorage } from '../storage_support.ts'

type Row = Record<string, unknown>

test('openstack volume create --image / show / list / delete work against Baton', {
  skip: openstackMissing,
  timeout: 180_000,
}, async () => {
  const identity = await startIdentity()
  const services: ServiceHandle[] = []
  let storage: Awaited<ReturnType<typeof startStorage>> | undefined
  const dir = mkdtempSync(join(tmpdir(), 'baton-volume-osc-'))
  try {
    const { authtoken, serviceUser: svc } = await provisionServiceUsers(
      identity.url,
      ADMIN_PASSWORD,
    )
    storage = await startStorage({
      identityUrl: identity.url,
      adminPassword: ADMIN_PASSWORD,
      authtoken,
      imageServiceUser: svc,
    })
    const env = {
      identityUrl: identity.url,
      adminPassword: ADMIN_PASSWORD,
      authtoken,
      serviceUser: svc,
      dir,
    }
    services.push(await startCloudService(env, 'volume'))
    services.push(await startCloudService(env, 'compute'))
    const os = identity.adminEnv
    const file = join(dir, 'cirros.raw')
    writeFileSync(file, Buffer.alloc(300_000, 0x5a))
    await openstackOk(
      [
        'image',
        'create',
        '--file',
        file,
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        'cirros',
      ],
      os,
    )

    const created = await openstackJson<Row>(
      ['volume', 'create', '--image', 'cirros', '--size', '1', 'vol1'],
      os,
    )
    assert.equal(created.name, 'vol1')
    assert.equal(created.status, 'creating')
    assert.equal(created.size, 1)
    assert.equal(created.bootable, 'true')

    let shown: Row = {}
    for (let i = 0; i < 30 && shown.status !== 'available' && shown.status !== 'error'; i++) {
      if (i > 0) await sleep(200)
      shown = await openstackJson<Row>(['volume', 'show', 'vol1'], os)
    }
    assert.equal(shown.status, 'available', JSON.stringify(shown))
    assert.equal(shown.id, created.id)
    const meta = shown.volume_image_metadata as Record<string, string>
    assert.equal(meta.image_name, 'cirros')
    assert.equal(meta.size, '300000')

    const listed = await openstackJson<Row[]>(['volume', 'list'], os)
    assert.deepEqual(
      listed.map((v) => [v.ID, v.Name, v.Status, v.Size]),
      [[created.id, 'vol1', 'available', 1]],
    )
    const flavors = await openstackJson<Row[]>(['flavor', 'list'], os)
    assert.deepEqual(
      flavors.map((f) => f.Name),
      ['m1.tiny', 'm1.small'],
    )
    await openstackOk(['volume', 'delete', 'vol1'], os)
    assert.deepEqual(await openstackJson<Row[]>(['volume', 'list'], os), [])
  } finally {
    for (const service of services.reverse()) await service.close()
    await storage?.close()
    await identity.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})
