import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { EXPIRATION, startTestIdentity } from '../../support/identity_server.ts'
import {
  accountUrl,
  imageUrl,
  loginAdmin,
  loginUser,
  type Storage,
  startStorage,
} from '../storage_support.ts'

type AuditLine = Record<string, unknown>

function audit(storage: Storage, service: 'object' | 'image'): AuditLine[] {
  return readFileSync(join(storage.dir, service, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditLine)
}

/**
 * The hop Glance cannot make: a caller (say the volume service) hands the image service a user
 * token that has expired plus its own service token; the image service must store the data in the
 * object service, which only works if it adds a service token of its own.
 */
async function world(sendServiceToken: boolean) {
  const identity = await startTestIdentity()
  const storage = await startStorage({
    identityUrl: identity.url,
    clock: identity.clock,
    authtoken: identity.authtokenOptions(),
    imageServiceUser: sendServiceToken ? { name: 'svc', password: 'pw-svc' } : null,
  })
  const alice = await loginUser(identity.url, identity.users.alice)
  const glance = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${imageUrl(storage)}${path}`, { ...init, headers })
  const createImage = async (token: string) => {
    const res = await glance(
      '/v2/images',
      { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      {
        method: 'POST',
        body: JSON.stringify({ name: 'chained', disk_format: 'raw', container_format: 'bare' }),
      },
    )
    return ((await res.json()) as { id: string }).id
  }
  const upload = (id: string, headers: Record<string, string>, data: string) =>
    glance(
      `/v2/images/${id}/file`,
      { ...headers, 'Content-Type': 'application/octet-stream' },
      { method: 'PUT', body: data },
    )
  const status = async (id: string) => {
    const admin = await loginAdmin(identity.url)
    const res = await glance(`/v2/images/${id}`, { 'X-Auth-Token': admin.token })
    return ((await res.json()) as { status: string }).status
  }
  /** Lets the user's token expire (inside allow_expired_window) and returns a fresh caller service token. */
  const expire = async () => {
    identity.clock.advance(EXPIRATION + 60)
    return (await loginUser(identity.url, identity.users.svc)).token
  }
  return { identity, storage, alice, createImage, upload, status, expire }
}

describe('image -> object with an expired user token and the image service’s own service token', () => {
  let w: Awaited<ReturnType<typeof world>>
  let imageId: string
  let callerServiceToken: string
  before(async () => {
    w = await world(true)
    imageId = await w.createImage(w.alice.token)
    callerServiceToken = await w.expire()
  })
  after(async () => {
    await w?.storage.close()
    await w?.identity.close()
  })

  test('the expired user token alone is refused by the image service (it really expired)', async () => {
    const res = await w.upload(imageId, { 'X-Auth-Token': w.alice.token }, 'data')
    assert.equal(res.status, 401)
    assert.equal(await w.status(imageId), 'queued')
  })

  test('with a caller service token the upload lands in the object service and the image is active', async () => {
    const res = await w.upload(
      imageId,
      { 'X-Auth-Token': w.alice.token, 'X-Service-Token': callerServiceToken },
      'chained data',
    )
    assert.equal(res.status, 204, await res.text())
    assert.equal(await w.status(imageId), 'active')
    const admin = await loginAdmin(w.identity.url)
    const stored = await fetch(
      `${accountUrl(w.storage, w.alice.projectId)}/glance_images/${imageId}`,
      {
        headers: { 'X-Auth-Token': admin.token },
      },
    )
    assert.equal(await stored.text(), 'chained data')
    const received = audit(w.storage, 'object').find(
      (l) =>
        l.direction === 'received' &&
        l.method === 'PUT' &&
        String(l.path).endsWith(`/glance_images/${imageId}`),
    )
    assert.equal(received?.expired_user_token_accepted, true, JSON.stringify(received))
    assert.equal(received?.user_id, w.alice.userId)
    assert.equal(received?.service_user_id, w.identity.users.svc.id)
    assert.equal(received?.status, 201)
    const sent = audit(w.storage, 'image').find(
      (l) => l.direction === 'sent' && l.method === 'PUT' && String(l.path).endsWith(imageId),
    )
    assert.equal(sent?.service_token_sent, true)
    assert.equal(sent?.status, 201)
    const everything = [
      ...w.storage.logs.image,
      ...w.storage.logs.object,
      readFileSync(join(w.storage.dir, 'image', 'audit.log'), 'utf8'),
    ].join('\n')
    assert.ok(
      !everything.includes(w.alice.token) && !everything.includes(callerServiceToken),
      'no token in logs or audit',
    )
  })
})

describe('the same hop with send_service_user_token = false (what Glance does)', () => {
  let w: Awaited<ReturnType<typeof world>>
  after(async () => {
    await w?.storage.close()
    await w?.identity.close()
  })
  before(async () => {
    w = await world(false)
  })

  test('with a valid user token the upload works', async () => {
    const id = await w.createImage(w.alice.token)
    const res = await w.upload(id, { 'X-Auth-Token': w.alice.token }, 'fresh')
    assert.equal(res.status, 204, await res.text())
    assert.equal(await w.status(id), 'active')
  })

  test('once the user token expired the object service refuses; the image stays queued and says why', async () => {
    const id = await w.createImage(w.alice.token)
    const callerServiceToken = await w.expire()
    const res = await w.upload(
      id,
      { 'X-Auth-Token': w.alice.token, 'X-Service-Token': callerServiceToken },
      'late data',
    )
    assert.equal(res.status, 502)
    const body = (await res.json()) as Record<string, { message: string }>
    const message = Object.values(body)[0]?.message ?? ''
    assert.match(message, /^image -> object-store PUT \/glance_images\S*: 401/)
    assert.equal(await w.status(id), 'queued')
    assert.ok(
      w.storage.logs.image.some(
        (l) =>
          l.includes(`upload of image ${id} not stored, image left queued`) && l.includes('401'),
      ),
    )
    const admin = await loginAdmin(w.identity.url)
    const stored = await fetch(`${accountUrl(w.storage, w.alice.projectId)}/glance_images/${id}`, {
      method: 'HEAD',
      headers: { 'X-Auth-Token': admin.token },
    })
    assert.equal(stored.status, 404, 'nothing half-written')
    const sent = audit(w.storage, 'image').find((l) => l.direction === 'sent' && l.status === 401)
    assert.deepEqual([sent?.service_token_sent, sent?.status, sent?.outcome], [false, 401, 'error'])
    assert.ok(!w.storage.logs.image.join('\n').includes(w.alice.token))
  })
})
