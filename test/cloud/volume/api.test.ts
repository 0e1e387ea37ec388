/**
 * The volume API's Cinder-shaped behaviour: version discovery without a token, create (empty and
 * from an image), show, list/detail with filters and pagination, project ownership, attach/detach,
 * delete, microversion negotiation.
 * @module
 */
import assert from 'node:assert/strict'
import { existsSync, statSync } from 'node:fs'
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
import { loginUser } from '../storage_support.ts'

let chain: Chain
let volume: ServiceHandle
let image: Images
let alice: Login
let base: string

before(async () => {
  chain = await startChain()
  volume = await chain.startVolume()
  image = await chain.images()
  alice = await chain.alice()
  base = `${volume.url}/v3/${alice.projectId}`
})
after(async () => {
  await chain.close()
})

type Volume = Record<string, unknown> & { id: string; status: string }

async function create(body: Record<string, unknown>): Promise<Volume> {
  const res = await api(`${base}/volumes`, alice.token, { method: 'POST', json: { volume: body } })
  assert.equal(res.status, 202, JSON.stringify(res.body))
  return res.body.volume as Volume
}

async function settled(id: string): Promise<Volume> {
  return waitFor(
    async () => (await api(`${base}/volumes/${id}`, alice.token)).body.volume as Volume,
    (v) => v.status === 'available' || v.status === 'error',
  )
}

test('version documents answer without a token, in cinder shape', async () => {
  const root = await api(`${volume.url}/`, undefined)
  assert.equal(root.status, 300)
  const [doc] = root.body.versions as Record<string, unknown>[]
  assert.equal(doc?.id, 'v3.0')
  assert.equal(doc?.min_version, '3.0')
  assert.deepEqual(
    ((doc?.links ?? []) as { rel: string; href: string }[]).find((l) => l.rel === 'self')?.href,
    `${volume.url}/v3/`,
  )
  const v3 = await api(`${volume.url}/v3/`, undefined)
  assert.equal(v3.status, 200)
  assert.equal((v3.body.versions as unknown[]).length, 1)
  const guarded = await api(`${base}/volumes`, undefined)
  assert.equal(guarded.status, 401)
  assert.match(guarded.headers.get('www-authenticate') ?? '', /^Keystone uri=/)
})

test('an empty volume becomes available as a sparse file of its size', async () => {
  const created = await create({ size: 1, name: 'empty' })
  assert.equal(created.status, 'creating')
  assert.equal(created.bootable, 'false')
  assert.deepEqual(created.metadata, {})
  assert.equal(created.volume_type, '__DEFAULT__')
  const done = await settled(created.id)
  assert.equal(done.status, 'available')
  assert.equal(statSync(join(volume.dataDir, 'volumes', created.id)).size, 1024 ** 3)
})

test('a volume from an image is streamed from the image service and keeps its metadata', async () => {
  const data = Buffer.from('boot sector and a small root file system'.repeat(500))
  const imageId = await image.add(data)
  const created = await create({ size: 1, imageRef: imageId, name: 'from-image', description: 'd' })
  const done = await settled(created.id)
  assert.equal(done.status, 'available')
  assert.equal(done.bootable, 'true')
  const meta = done.volume_image_metadata as Record<string, string>
  assert.equal(meta.image_id, imageId)
  assert.equal(meta.image_name, 'cirros')
  assert.equal(meta.size, String(data.length))
  assert.deepEqual(done['os-vol-baton:copy_progress'], {
    bytes_copied: data.length,
    bytes_total: data.length,
  })
  const file = join(volume.dataDir, 'volumes', created.id)
  assert.equal(statSync(file).size, 1024 ** 3)
  assert.ok(readHead(file, data.length).equals(data), 'the volume starts with the image bytes')
})

test('list, detail, name filter and limit/marker pagination', async () => {
  const a = await create({ size: 1, name: 'page-a' })
  const b = await create({ size: 1, name: 'page-b' })
  await settled(a.id)
  await settled(b.id)
  const summary = await api(`${base}/volumes?name=page-a`, alice.token)
  assert.deepEqual(
    (summary.body.volumes as Volume[]).map((v) => [v.id, Object.keys(v).sort().join()]),
    [[a.id, 'id,links,name']],
  )
  const all = (await api(`${base}/volumes/detail`, alice.token)).body.volumes as Volume[]
  assert.ok(all.length >= 2)
  const first = await api(`${base}/volumes/detail?limit=1`, alice.token)
  const page1 = first.body.volumes as Volume[]
  assert.equal(page1.length, 1)
  assert.equal(page1[0]?.id, all[0]?.id)
  const next = (first.body.volumes_links as { href: string; rel: string }[])[0]
  assert.equal(next?.rel, 'next')
  const second = await api(next?.href ?? '', alice.token)
  assert.equal((second.body.volumes as Volume[])[0]?.id, all[1]?.id)
  const unknownMarker = await api(`${base}/volumes/detail?marker=nope`, alice.token)
  assert.equal(unknownMarker.status, 404)
  const badLimit = await api(`${base}/volumes?limit=x`, alice.token)
  assert.equal(badLimit.status, 400)
})

test("another project's volumes are not found, and a foreign project in the URL is malformed", async () => {
  const mine = await create({ size: 1, name: 'private' })
  const other = await loginUser(chain.identity.url, chain.identity.users.svc)
  const foreignUrl = await api(`${base}/volumes/${mine.id}`, other.token)
  assert.equal(foreignUrl.status, 400)
  assert.deepEqual(foreignUrl.body, { badRequest: { code: 400, message: 'Malformed request url' } })
  const own = await api(`${volume.url}/v3/${other.projectId}/volumes/${mine.id}`, other.token)
  assert.equal(own.status, 404)
  assert.equal((own.body.itemNotFound as { code: number }).code, 404)
  const listed = (await api(`${volume.url}/v3/${other.projectId}/volumes`, other.token)).body
    .volumes as Volume[]
  assert.equal(listed.length, 0)
})

test('attach and detach move the volume between available and in-use', async () => {
  const v = await settled((await create({ size: 1, name: 'disk' })).id)
  const action = (json: unknown) =>
    api(`${base}/volumes/${v.id}/action`, alice.token, { method: 'POST', json })
  const server = crypto.randomUUID()
  assert.equal(
    (await action({ 'os-attach': { instance_uuid: server, mountpoint: '/dev/vdb' } })).status,
    202,
  )
  const attached = (await api(`${base}/volumes/${v.id}`, alice.token)).body.volume as Volume
  assert.equal(attached.status, 'in-use')
  const [attachment] = attached.attachments as Record<string, unknown>[]
  assert.equal(attachment?.server_id, server)
  assert.equal(attachment?.device, '/dev/vdb')
  assert.equal(
    (await action({ 'os-attach': { instance_uuid: server, mountpoint: '/dev/vdc' } })).status,
    400,
  )
  assert.equal(
    (await api(`${base}/volumes/${v.id}`, alice.token, { method: 'DELETE' })).status,
    400,
  )
  assert.equal((await action({ 'os-detach': {} })).status, 202)
  const detached = (await api(`${base}/volumes/${v.id}`, alice.token)).body.volume as Volume
  assert.equal(detached.status, 'available')
  assert.deepEqual(detached.attachments, [])
  assert.equal((await action({ 'os-detach': {} })).status, 400)
  assert.equal((await action({ 'os-frobnicate': {} })).status, 400)
  assert.equal(
    (await api(`${base}/volumes/${v.id}`, alice.token, { method: 'DELETE' })).status,
    202,
  )
  assert.equal((await api(`${base}/volumes/${v.id}`, alice.token)).status, 404)
  assert.equal(existsSync(join(volume.dataDir, 'volumes', v.id)), false)
})

test('bad create bodies are 400s in cinder shape', async () => {
  for (const body of [
    {},
    { volume: { size: 0 } },
    { volume: { size: 'big' } },
    { volume: { size: 1, snapshot_id: 'x' } },
  ]) {
    const res = await api(`${base}/volumes`, alice.token, { method: 'POST', json: body })
    assert.equal(res.status, 400, JSON.stringify(body))
    assert.equal((res.body.badRequest as { code: number }).code, 400)
  }
})

test('microversions: 3.0 is echoed, a higher one is 406, a malformed one 400', async () => {
  const ok = await api(`${base}/volumes`, alice.token, {
    headers: { 'OpenStack-API-Version': 'volume 3.0' },
  })
  assert.equal(ok.status, 200)
  assert.equal(ok.headers.get('openstack-api-version'), 'volume 3.0')
  assert.match(ok.headers.get('vary') ?? '', /OpenStack-API-Version/)
  const high = await api(`${base}/volumes`, alice.token, {
    headers: { 'OpenStack-API-Version': 'volume 3.60' },
  })
  assert.equal(high.status, 406)
  const bad = await api(`${base}/volumes`, alice.token, {
    headers: { 'OpenStack-API-Version': 'volume three' },
  })
  assert.equal(bad.status, 400)
})

test('a repeated query parameter counts once', async () => {
  const twice = await api(`${base}/volumes?name=page-a&name=page-b&limit=1&limit=x`, alice.token)
  assert.equal(twice.status, 200)
  assert.deepEqual(
    (twice.body.volumes as Volume[]).map((v) => v.name),
    ['page-a'],
  )
})
