/**
 * The volume's image copy as a background job: throttled by copy_bytes_per_second with visible
 * progress, refused images end in error with the reason, a restart mid-copy copies again from zero,
 * and a copy resumed after the user's token expired goes on only when a service token vouches for it.
 * @module
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { createAuthToken, guardHandler } from '../../../packages/middleware/src/index.ts'
import { EXPIRATION } from '../../support/identity_server.ts'
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
import { loginAdmin, registerCatalog } from '../storage_support.ts'

const RATE = 64 * 1024
let chain: Chain
let image: Images
let throttledVolume: ServiceHandle

before(async () => {
  chain = await startChain()
  image = await chain.images()
  throttledVolume = await chain.startVolume({ defaults: { copy_bytes_per_second: RATE } })
})
after(async () => {
  await chain.close()
})

type Volume = Record<string, unknown> & { id: string; status: string }
type Progress = { bytes_copied: number; bytes_total: number }

async function createFrom(volume: ServiceHandle, who: Login, imageId: string): Promise<string> {
  const res = await api(`${volume.url}/v3/${who.projectId}/volumes`, who.token, {
    method: 'POST',
    json: { volume: { size: 1, imageRef: imageId, name: 'copy' } },
  })
  assert.equal(res.status, 202, JSON.stringify(res.body))
  return (res.body.volume as Volume).id
}

function reader(volume: ServiceHandle, id: string, who: () => Login) {
  return async () => {
    const me = who()
    return (await api(`${volume.url}/v3/${me.projectId}/volumes/${id}`, me.token)).body
      .volume as Volume
  }
}

const settledStatus = (v: Volume) => v.status === 'available' || v.status === 'error'
/** The volume's own audit of the downloads it started (written when the data starts flowing). */
const downloadsSent = (volume: ServiceHandle, imageId: string) =>
  volume.audit().filter((l) => l.direction === 'sent' && l.path === `/v2/images/${imageId}/file`)

test('a throttled copy takes as long as copy_bytes_per_second says, with progress on the way', async () => {
  const alice = await chain.alice()
  const data = randomBytes(2 * RATE)
  const imageId = await image.add(data)
  const started = performance.now()
  const id = await createFrom(throttledVolume, alice, imageId)
  const read = reader(throttledVolume, id, () => alice)
  const midway = await waitFor(read, (v) => {
    const p = v['os-vol-baton:copy_progress'] as Progress | undefined
    return (
      v.status === 'downloading' &&
      p !== undefined &&
      p.bytes_copied > 0 &&
      p.bytes_copied < p.bytes_total
    )
  })
  assert.equal((midway['os-vol-baton:copy_progress'] as Progress).bytes_total, data.length)
  const done = await waitFor(read, settledStatus)
  const seconds = (performance.now() - started) / 1000
  assert.equal(done.status, 'available')
  // the first twentieth of a second's worth goes at once: (2 s of data - 0.05 s) at least
  assert.ok(seconds >= 1.9, `copy took ${seconds.toFixed(2)} s`)
  assert.ok(seconds < 6, `copy took ${seconds.toFixed(2)} s`)
  assert.ok(readHead(join(throttledVolume.dataDir, 'volumes', id), data.length).equals(data))
})

test('an image that cannot be copied puts the volume in error with the reason', async () => {
  const volume = await chain.startVolume()
  const alice = await chain.alice()
  const cases: [string, RegExp][] = [
    [await image.add(Buffer.from('x'), { queued: true }), /is not active \(status queued\)/],
    ['no-such-image', /^volume -> image GET \/v2\/images\/no-such-image: 404 /],
  ]
  for (const [imageId, reason] of cases) {
    const id = await createFrom(volume, alice, imageId)
    const done = await waitFor(
      reader(volume, id, () => alice),
      settledStatus,
    )
    assert.equal(done.status, 'error')
    assert.match((done['os-vol-baton:fault'] as { message: string }).message, reason)
  }
})

test('a restart mid-copy copies again from zero and finishes', async () => {
  const volume = await chain.startVolume({ defaults: { copy_bytes_per_second: RATE } })
  const alice = await chain.alice()
  const data = randomBytes(2 * RATE)
  const imageId = await image.add(data)
  const id = await createFrom(volume, alice, imageId)
  const read = reader(volume, id, () => alice)
  await waitFor(
    read,
    (v) => ((v['os-vol-baton:copy_progress'] as Progress | undefined)?.bytes_copied ?? 0) > 0,
  )
  const closing = performance.now()
  await volume.restart()
  // close() interrupted the copy instead of waiting for it
  assert.ok(performance.now() - closing < 1500)
  assert.ok(volume.logs.some((l) => l.includes(`volume ${id}: resuming creation after a restart`)))
  const done = await waitFor(read, settledStatus)
  assert.equal(done.status, 'available')
  assert.equal(downloadsSent(volume, imageId).length, 2)
  assert.ok(readHead(join(volume.dataDir, 'volumes', id), data.length).equals(data))
})

async function copyAcrossExpiry(
  sendServiceToken: boolean,
): Promise<{ volume: Volume; imageId: string }> {
  const volume = await chain.startVolume({
    sendServiceToken,
    defaults: { copy_bytes_per_second: RATE },
  })
  const alice = await chain.alice()
  const imageId = await image.add(randomBytes(2 * RATE))
  const id = await createFrom(volume, alice, imageId)
  await waitFor(
    reader(volume, id, () => alice),
    (v) => v.status === 'downloading',
  )
  chain.identity.clock.advance(EXPIRATION + 60)
  await volume.restart()
  const observer = await chain.alice()
  return {
    volume: await waitFor(
      reader(volume, id, () => observer),
      settledStatus,
    ),
    imageId,
  }
}

test("a copy resumed after the user's token expired goes on with the volume's service token", async () => {
  const { volume, imageId } = await copyAcrossExpiry(true)
  assert.equal(volume.status, 'available')
  const resumed = image.downloads(imageId).at(-1)
  assert.equal(resumed?.expiredAccepted, true)
  assert.equal(resumed?.serviceUser, chain.identity.users.svc.id)
})

test('without a service token the resumed copy fails and the volume names the hop and why', async () => {
  const { volume } = await copyAcrossExpiry(false)
  assert.equal(volume.status, 'error')
  const message = (volume['os-vol-baton:fault'] as { message: string }).message
  assert.match(message, /^volume -> image GET \/v2\/images\/[0-9a-f-]+: 401 /)
  assert.match(message, /send_service_user_token = false/)
  assert.doesNotMatch(message, /gAAAA/, 'no token in the reason')
})

/**
 * An image service that lies about its images (a tiny node:http endpoint behind Baton's middleware,
 * in a chain of its own): the volume must not trust the record over the data.
 */
test('an image whose record and data disagree with the volume puts it in error with the reason', async () => {
  const own = await startChain()
  const auth = createAuthToken({
    options: own.identity.authtokenOptions(),
    clock: own.identity.clock,
    logger: {},
  })
  const records: Record<string, { size: number; data: Buffer }> = {
    huge: { size: 2 * 1024 ** 3, data: Buffer.from('x') },
    short: { size: 10, data: Buffer.from('short') },
  }
  const server = createServer(
    guardHandler(auth, (req, res) => {
      const [, id, file] = /^\/v2\/images\/(\w+)(\/file)?$/.exec(req.url ?? '') ?? []
      const record = records[id ?? '']
      if (record === undefined) return void res.writeHead(404).end()
      if (file !== undefined) return void res.writeHead(200).end(record.data)
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(
        JSON.stringify({ id, name: id, status: 'active', size: record.size, disk_format: 'raw' }),
      )
    }),
  )
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const admin = await loginAdmin(own.identity.url)
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    await registerCatalog(own.identity.url, admin.token, 'image', 'glance', url)
    const volume = await own.startVolume()
    const alice = await own.alice()
    for (const [imageId, reason] of [
      ['huge', /Image huge is 2147483648 bytes, larger than the 1 GiB volume/],
      ['short', /Image short data ended after 5 of 10 bytes/],
    ] as const) {
      const id = await createFrom(volume, alice, imageId)
      const done = await waitFor(
        reader(volume, id, () => alice),
        settledStatus,
      )
      assert.equal(done.status, 'error')
      assert.match((done['os-vol-baton:fault'] as { message: string }).message, reason)
    }
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await auth.close()
    await own.close()
  }
})
