import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'
import {
  accountUrl,
  imageUrl,
  type Login,
  loginAdmin,
  loginUser,
  type Storage,
  startStorage,
} from '../storage_support.ts'

type ImageDoc = Record<string, unknown> & { id: string; status: string; owner: string }

describe('image service: Glance v2 API with data in the object service', () => {
  let identity: TestIdentity
  let storage: Storage
  let alice: Login
  let other: Login
  let admin: Login

  const glance = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${imageUrl(storage)}${path}`, {
      ...init,
      headers: {
        ...(token === undefined ? {} : { 'X-Auth-Token': token }),
        ...(init.headers as Record<string, string>),
      },
    })
  const create = async (token: string, body: Record<string, unknown>) => {
    const res = await glance('/v2/images', token, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    })
    assert.equal(res.status, 201, await res.clone().text())
    return (await res.json()) as ImageDoc
  }
  const upload = (token: string, id: string, data: Buffer | string) =>
    glance(`/v2/images/${id}/file`, token, {
      method: 'PUT',
      body: data,
      headers: { 'Content-Type': 'application/octet-stream' },
    })
  const show = async (token: string, id: string) =>
    (await (await glance(`/v2/images/${id}`, token)).json()) as ImageDoc

  before(async () => {
    identity = await startTestIdentity()
    storage = await startStorage({
      identityUrl: identity.url,
      clock: identity.clock,
      authtoken: identity.authtokenOptions(),
      imageServiceUser: { name: 'svc', password: 'pw-svc' },
      imageConfig: ['[image]', 'image_size_cap = 4096'],
    })
    alice = await loginUser(identity.url, identity.users.alice)
    other = await loginUser(identity.url, identity.users.nosvc)
    admin = await loginAdmin(identity.url)
  })
  after(async () => {
    await storage?.close()
    await identity?.close()
  })

  test('version documents answer without a token: 300 on /, 200 on /versions', async () => {
    const root = await glance('/', undefined)
    assert.equal(root.status, 300)
    const doc = (await root.json()) as {
      versions: { id: string; status: string; links: { href: string }[] }[]
    }
    assert.equal(doc.versions[0]?.status, 'CURRENT')
    assert.equal(doc.versions[0]?.links[0]?.href, `${imageUrl(storage)}/v2/`)
    assert.equal((await glance('/versions', undefined)).status, 200)
    assert.equal((await glance('/v2/images', undefined)).status, 401)
  })

  test('create answers 201 with Glance’s image document, queued, owned by the token’s project', async () => {
    const res = await glance('/v2/images', alice.token, {
      method: 'POST',
      body: JSON.stringify({
        name: 'cirros',
        disk_format: 'qcow2',
        container_format: 'bare',
        tags: ['a'],
        'owner_specified.openstack.md5': 'x',
      }),
      headers: { 'Content-Type': 'application/json' },
    })
    assert.equal(res.status, 201)
    const image = (await res.json()) as ImageDoc
    assert.equal(res.headers.get('location'), `${imageUrl(storage)}/v2/images/${image.id}`)
    assert.equal(image.status, 'queued')
    assert.equal(image.owner, alice.projectId)
    assert.equal(image.visibility, 'shared')
    assert.equal(image.self, `/v2/images/${image.id}`)
    assert.equal(image.file, `/v2/images/${image.id}/file`)
    assert.equal(image.schema, '/v2/schemas/image')
    assert.equal(image['owner_specified.openstack.md5'], 'x')
    for (const key of ['size', 'checksum', 'os_hash_algo', 'os_hash_value', 'virtual_size'])
      assert.equal(image[key], null, key)
    assert.match(String(image.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.deepEqual(
      [image.min_disk, image.min_ram, image.protected, image.tags],
      [0, 0, false, ['a']],
    )
  })

  test('create refuses what Glance refuses', async () => {
    const post = (token: string, body: unknown) =>
      glance('/v2/images', token, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      })
    assert.equal((await post(alice.token, { status: 'active' })).status, 403)
    assert.equal((await post(alice.token, { disk_format: 'floppy' })).status, 400)
    assert.equal((await post(alice.token, { visibility: 'public' })).status, 403)
    assert.equal((await post(alice.token, { owner: other.projectId })).status, 403)
    assert.equal((await post(alice.token, { extra: 5 })).status, 400)
    assert.equal((await post(admin.token, { visibility: 'public', name: 'ok' })).status, 201)
  })

  test('upload: queued -> active, MD5 and SHA-512 computed, data in the owner’s account; download streams it back', async () => {
    const image = await create(alice.token, {
      name: 'data',
      disk_format: 'raw',
      container_format: 'bare',
    })
    const data = Buffer.from('image bytes '.repeat(100))
    const put = await upload(alice.token, image.id, data)
    assert.equal(put.status, 204, await put.text())
    const shown = await show(alice.token, image.id)
    assert.equal(shown.status, 'active')
    assert.equal(shown.size, data.length)
    assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'))
    assert.equal(shown.os_hash_algo, 'sha512')
    assert.equal(shown.os_hash_value, createHash('sha512').update(data).digest('hex'))
    const stored = await fetch(
      `${accountUrl(storage, alice.projectId)}/glance_images/${image.id}`,
      {
        headers: { 'X-Auth-Token': alice.token },
      },
    )
    assert.equal(stored.status, 200)
    assert.deepEqual(Buffer.from(await stored.arrayBuffer()), data)
    const back = await glance(`/v2/images/${image.id}/file`, alice.token)
    assert.equal(back.status, 200)
    assert.equal(back.headers.get('content-md5'), shown.checksum)
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), data)
    const part = await glance(`/v2/images/${image.id}/file`, alice.token, {
      headers: { Range: 'bytes=0-4' },
    })
    assert.equal(part.status, 206)
    assert.equal(await part.text(), 'image')
    const again = await upload(alice.token, image.id, 'more')
    assert.equal(again.status, 409, 'an active image takes no second upload')
    const sent = storage.logs.image.join('\n')
    assert.ok(!sent.includes(alice.token), 'no token in the logs')
  })

  test('upload edge cases: 415 without octet-stream, 204 download of a queued image, size cap leaves it queued', async () => {
    const image = await create(alice.token, { name: 'edge' })
    const wrongType = await glance(`/v2/images/${image.id}/file`, alice.token, {
      method: 'PUT',
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    })
    assert.equal(wrongType.status, 415)
    assert.equal((await glance(`/v2/images/${image.id}/file`, alice.token)).status, 204)
    const tooBig = await upload(alice.token, image.id, Buffer.alloc(5000)).catch(() => undefined)
    if (tooBig !== undefined) assert.equal(tooBig.status, 413)
    assert.equal((await show(alice.token, image.id)).status, 'queued')
    const head = await fetch(`${accountUrl(storage, alice.projectId)}/glance_images/${image.id}`, {
      method: 'HEAD',
      headers: { 'X-Auth-Token': alice.token },
    })
    assert.equal(head.status, 404, 'no partial data stored')
    assert.equal(
      (await upload(alice.token, image.id, 'fits')).status,
      204,
      'the image can still take data',
    )
  })

  test('a client that hangs up mid-upload leaves the image queued and nothing stored', async () => {
    const image = await create(alice.token, { name: 'cut' })
    const url = new URL(`${imageUrl(storage)}/v2/images/${image.id}/file`)
    const socket = connect(Number(url.port), url.hostname)
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(
      [
        `PUT ${url.pathname} HTTP/1.1`,
        `Host: ${url.host}`,
        `X-Auth-Token: ${alice.token}`,
        'Content-Type: application/octet-stream',
        'Content-Length: 100000',
        '',
        'x'.repeat(1000),
      ].join('\r\n'),
    )
    await sleep(100)
    socket.destroy()
    let status = ''
    for (let i = 0; i < 50 && status !== 'queued'; i++) {
      await sleep(20)
      status = (await show(alice.token, image.id)).status
    }
    assert.equal(status, 'queued')
    const head = await fetch(`${accountUrl(storage, alice.projectId)}/glance_images/${image.id}`, {
      method: 'HEAD',
      headers: { 'X-Auth-Token': alice.token },
    })
    assert.equal(head.status, 404)
    assert.ok(storage.logs.image.some((l) => l.includes(`upload of image ${image.id} not stored`)))
  })

  test('visibility: private images are the owner’s (and admin’s); public ones everyone’s; only owners delete', async () => {
    const mine = await create(alice.token, { name: 'private-one', visibility: 'private' })
    assert.equal((await glance(`/v2/images/${mine.id}`, other.token)).status, 404)
    assert.equal((await glance(`/v2/images/${mine.id}`, admin.token)).status, 200)
    const listOther = (await (await glance('/v2/images?limit=100', other.token)).json()) as {
      images: ImageDoc[]
    }
    assert.ok(!listOther.images.some((i) => i.id === mine.id))
    const pub = await create(admin.token, { name: 'public-one', visibility: 'public' })
    assert.equal((await glance(`/v2/images/${pub.id}`, other.token)).status, 200)
    assert.equal(
      (await glance(`/v2/images/${pub.id}`, alice.token, { method: 'DELETE' })).status,
      403,
    )
    const community = await create(alice.token, { name: 'community-one', visibility: 'community' })
    const defaultList = (await (await glance('/v2/images?limit=100', other.token)).json()) as {
      images: ImageDoc[]
    }
    assert.ok(
      !defaultList.images.some((i) => i.id === community.id),
      'community images are not listed by default',
    )
    const asked = (await (await glance('/v2/images?visibility=community', other.token)).json()) as {
      images: ImageDoc[]
    }
    assert.deepEqual(
      asked.images.map((i) => i.id),
      [community.id],
    )
  })

  test('list: filters, sort and marker/limit paging with a next link', async () => {
    identity.clock.advance(1)
    const ids: string[] = []
    for (const name of ['page-c', 'page-a', 'page-b']) {
      ids.push((await create(alice.token, { name, tags: ['paging'] })).id)
      identity.clock.advance(1)
    }
    const page = async (query: string) =>
      (await (await glance(`/v2/images?${query}`, alice.token)).json()) as {
        images: ImageDoc[]
        next?: string
      }
    const byName = await page('tag=paging&sort=name:asc&limit=2')
    assert.deepEqual(
      byName.images.map((i) => i.name),
      ['page-a', 'page-b'],
    )
    assert.ok(byName.next?.startsWith('/v2/images?'))
    const rest = await page(byName.next?.split('?')[1] ?? '')
    assert.deepEqual(
      rest.images.map((i) => i.name),
      ['page-c'],
    )
    assert.equal(rest.next, undefined)
    const newest = await page('tag=paging&limit=1')
    assert.equal(newest.images[0]?.id, ids[2], 'default order is created_at desc')
    assert.deepEqual(
      (await page('name=page-b')).images.map((i) => i.id),
      [ids[2]],
    )
    assert.deepEqual(
      (await page('sort_key=name&sort_dir=desc&tag=paging')).images.map((i) => i.name),
      ['page-c', 'page-b', 'page-a'],
    )
    assert.equal((await page('status=active&tag=paging')).images.length, 0)
    assert.equal(
      (await glance('/v2/images?marker=00000000-0000-0000-0000-000000000000', alice.token)).status,
      400,
    )
  })

  test('delete removes the stored data too', async () => {
    const image = await create(alice.token, { name: 'doomed' })
    await upload(alice.token, image.id, 'bye')
    const object = `${accountUrl(storage, alice.projectId)}/glance_images/${image.id}`
    assert.equal(
      (await fetch(object, { method: 'HEAD', headers: { 'X-Auth-Token': alice.token } })).status,
      200,
    )
    assert.equal(
      (await glance(`/v2/images/${image.id}`, alice.token, { method: 'DELETE' })).status,
      204,
    )
    assert.equal((await glance(`/v2/images/${image.id}`, alice.token)).status, 404)
    assert.equal(
      (await fetch(object, { method: 'HEAD', headers: { 'X-Auth-Token': alice.token } })).status,
      404,
    )
  })

  test('an upload interrupted by a restart leaves the image queued, not saving', async () => {
    const image = await create(alice.token, { name: 'interrupted' })
    storage.image.runtime.ctx.db
      .prepare(`UPDATE images SET status = 'saving' WHERE id = ?`)
      .run(image.id)
    await storage.restart('image')
    assert.equal((await show(alice.token, image.id)).status, 'queued')
    assert.ok(storage.logs.image.some((l) => l.includes(`image ${image.id} was saving`)))
  })
})
