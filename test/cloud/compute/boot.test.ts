/**
 * Booting a server from a volume made from an image, end to end in-process (identity, compute,
 * volume, an image endpoint behind the middleware): BUILD -> ACTIVE with the volume attached, the
 * audit trail of the delegated calls, ERROR with a fault naming the failing hop, and deletion
 * (detach, delete_on_termination, a server deleted mid-build).
 * @module
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import {
  api,
  type Chain,
  type Images,
  type Login,
  readHead,
  type ServiceHandle,
  startChain,
  waitFor,
} from '../chain_support.ts'

let chain: Chain
let image: Images
let volume: ServiceHandle
let compute: ServiceHandle
let alice: Login

before(async () => {
  chain = await startChain()
  image = await chain.images()
  volume = await chain.startVolume({ defaults: { copy_bytes_per_second: 256 * 1024 } })
  compute = await chain.startCompute({ defaults: { block_device_allocate_retries_interval: 0.05 } })
  alice = await chain.alice()
})
after(async () => {
  await chain.close()
})

type Json = Record<string, unknown>

async function boot(
  imageId: string,
  deleteOnTermination?: boolean,
): Promise<{ id: string; res: Awaited<ReturnType<typeof api>> }> {
  const res = await api(`${compute.url}/v2.1/servers`, alice.token, {
    method: 'POST',
    json: {
      server: {
        name: 'vm',
        flavorRef: '1',
        imageRef: '',
        block_device_mapping_v2: [
          {
            source_type: 'image',
            destination_type: 'volume',
            uuid: imageId,
            volume_size: 1,
            boot_index: 0,
            ...(deleteOnTermination === undefined
              ? {}
              : { delete_on_termination: deleteOnTermination }),
          },
        ],
      },
    },
  })
  assert.equal(res.status, 202, JSON.stringify(res.body))
  return { id: (res.body.server as Json).id as string, res }
}

const server = async (id: string) =>
  (await api(`${compute.url}/v2.1/servers/${id}`, alice.token)).body.server as Json
const settled = (s: Json) => s.status === 'ACTIVE' || s.status === 'ERROR'
const volumeUrl = (id: string) => `${volume.url}/v3/${alice.projectId}/volumes/${id}`
const getVolume = async (id: string) => api(volumeUrl(id), alice.token)

test('a server boots from a volume made from the image and goes ACTIVE', async () => {
  const data = randomBytes(64 * 1024)
  const imageId = await image.add(data)
  const { id, res } = await boot(imageId, true)
  assert.equal(res.headers.get('location'), `${compute.url}/v2.1/servers/${id}`)
  const building = await server(id)
  assert.equal(building.status, 'BUILD')
  const active = await waitFor(() => server(id), settled)
  assert.equal(active.status, 'ACTIVE', JSON.stringify(active.fault))
  assert.equal(active['OS-EXT-STS:vm_state'], 'active')
  assert.equal(active.image, '')
  assert.equal(active.tenant_id, alice.projectId)
  const [attached] = active['os-extended-volumes:volumes_attached'] as {
    id: string
    delete_on_termination: boolean
  }[]
  assert.ok(attached !== undefined)
  assert.equal(attached.delete_on_termination, true)
  const vol = (await getVolume(attached.id)).body.volume as Json
  assert.equal(vol.status, 'in-use')
  assert.equal(vol.bootable, 'true')
  const [attachment] = vol.attachments as Json[]
  assert.equal(attachment?.server_id, id)
  assert.equal(attachment?.device, '/dev/vda')
  assert.ok(readHead(join(volume.dataDir, 'volumes', attached.id), data.length).equals(data))

  // every delegated call is in the trail: compute sent them with its service token, volume received them so
  const sent = compute
    .audit()
    .filter((l) => l.direction === 'sent' && String(l.path).includes(attached.id))
  assert.ok(sent.length >= 2)
  assert.ok(
    sent.every(
      (l) => l.service_token_sent === true && l.target === 'volumev3' && l.user_id === alice.userId,
    ),
  )
  const created = volume
    .audit()
    .find(
      (l) =>
        l.direction === 'received' &&
        l.method === 'POST' &&
        l.path === `/v3/${alice.projectId}/volumes`,
    )
  assert.equal(created?.service_user_id, chain.identity.users.svc.id)
  assert.equal(created?.request_id, sent[0]?.request_id, 'one request id along the chain')
})

test('deleting a server detaches its volume and deletes it when delete_on_termination', async () => {
  const imageId = await image.add(randomBytes(1024))
  const kept = await boot(imageId, false)
  const dropped = await boot(imageId, true)
  const volumeOf = async (id: string) => {
    const s = await waitFor(() => server(id), settled)
    assert.equal(s.status, 'ACTIVE')
    return (s['os-extended-volumes:volumes_attached'] as { id: string }[])[0]?.id ?? ''
  }
  const keptVolume = await volumeOf(kept.id)
  const droppedVolume = await volumeOf(dropped.id)
  for (const id of [kept.id, dropped.id]) {
    assert.equal(
      (await api(`${compute.url}/v2.1/servers/${id}`, alice.token, { method: 'DELETE' })).status,
      204,
    )
    assert.equal((await api(`${compute.url}/v2.1/servers/${id}`, alice.token)).status, 404)
  }
  const keptNow = (await getVolume(keptVolume)).body.volume as Json
  assert.equal(keptNow.status, 'available')
  assert.deepEqual(keptNow.attachments, [])
  assert.equal((await getVolume(droppedVolume)).status, 404)
})

test('a server deleted mid-build has its volume cleaned up once the volume settles', async () => {
  const imageId = await image.add(randomBytes(256 * 1024))
  const { id } = await boot(imageId, true)
  const withVolume = await waitFor(
    () => server(id),
    (s) => (s['os-extended-volumes:volumes_attached'] as unknown[]).length > 0,
  )
  const volumeId =
    (withVolume['os-extended-volumes:volumes_attached'] as { id: string }[])[0]?.id ?? ''
  assert.equal(
    (await api(`${compute.url}/v2.1/servers/${id}`, alice.token, { method: 'DELETE' })).status,
    204,
  )
  assert.equal((await api(`${compute.url}/v2.1/servers/${id}`, alice.token)).status, 404)
  await waitFor(
    () => getVolume(volumeId),
    (r) => r.status === 404,
  )
})

test('a compute restart mid-build resumes the build from the volume it asked for', async () => {
  const imageId = await image.add(randomBytes(256 * 1024))
  const { id } = await boot(imageId, true)
  const requested = await waitFor(
    () => server(id),
    (s) => (s['os-extended-volumes:volumes_attached'] as unknown[]).length > 0,
  )
  await compute.restart()
  assert.ok(
    compute.logs.some((l) => l.includes(`server ${id}: resuming its build after a restart`)),
  )
  const active = await waitFor(() => server(id), settled)
  assert.equal(active.status, 'ACTIVE', JSON.stringify(active.fault))
  assert.deepEqual(
    active['os-extended-volumes:volumes_attached'],
    requested['os-extended-volumes:volumes_attached'],
  )
  const volumes = (await api(`${volume.url}/v3/${alice.projectId}/volumes`, alice.token)).body
    .volumes as Json[]
  assert.equal(
    volumes.filter(
      (v) => v.id === (active['os-extended-volumes:volumes_attached'] as Json[])[0]?.id,
    ).length,
    1,
  )
})

test('a failing hop puts the server in ERROR with a fault that names it', async () => {
  const { id } = await boot('no-such-image')
  const failed = await waitFor(() => server(id), settled)
  assert.equal(failed.status, 'ERROR')
  assert.equal(failed['OS-EXT-STS:vm_state'], 'error')
  const fault = failed.fault as { code: number; message: string; created: string }
  assert.equal(fault.code, 500)
  assert.match(
    fault.message,
    new RegExp(
      `^Build of instance ${id} aborted: Volume [0-9a-f-]+ did not finish being created; its status is error`,
    ),
  )
  assert.match(fault.message, /volume -> image GET \/v2\/images\/no-such-image: 404/)
  assert.match(fault.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
})

test('a volume that never becomes available fails the build after block_device_allocate_retries', async () => {
  const impatient = await chain.startCompute({
    defaults: { block_device_allocate_retries: 2, block_device_allocate_retries_interval: 0.05 },
  })
  const slowImage = await image.add(randomBytes(1024 * 1024))
  const res = await api(`${impatient.url}/v2.1/servers`, alice.token, {
    method: 'POST',
    json: {
      server: {
        name: 'impatient',
        block_device_mapping_v2: [
          {
            source_type: 'image',
            destination_type: 'volume',
            uuid: slowImage,
            volume_size: 1,
            boot_index: 0,
          },
        ],
      },
    },
  })
  const id = (res.body.server as Json).id as string
  const failed = await waitFor(
    async () => (await api(`${impatient.url}/v2.1/servers/${id}`, alice.token)).body.server as Json,
    settled,
  )
  assert.equal(failed.status, 'ERROR')
  assert.match(
    (failed.fault as { message: string }).message,
    /did not finish being created even after we waited 0 seconds or 3 attempts/,
  )
})
