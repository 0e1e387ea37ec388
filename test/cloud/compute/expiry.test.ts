/**
 * The long job the service tokens exist for, on the whole real chain compute -> volume -> image ->
 * object: a server boots from a volume whose throttled copy outlives the user's token (the injected
 * clock is advanced mid-copy, and the volume service restarts so its copy starts again after
 * expiry). With every sender sending its service token the server goes ACTIVE; a sender without one
 * makes it ERROR with a fault naming that hop and why.
 * @module
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'
import { api, bootAcrossExpiry, type Images, readHead, startChain } from '../chain_support.ts'

const RATE = 64 * 1024
type Json = Record<string, unknown>
let cleanup: (() => Promise<void>) | undefined

afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

type Senders = { compute: boolean; volume: boolean; image: boolean }

async function bootLongJob(sends: Senders, restartVolume: boolean) {
  const chain = await startChain()
  cleanup = () => chain.close()
  const images = await chain.images({ sendServiceToken: sends.image })
  const volume = await chain.startVolume({
    sendServiceToken: sends.volume,
    defaults: { copy_bytes_per_second: RATE },
  })
  const compute = await chain.startCompute({
    sendServiceToken: sends.compute,
    defaults: { block_device_allocate_retries_interval: 0.05 },
  })
  const data = randomBytes(2 * RATE)
  const imageId = await images.add(data)
  const booted = await bootAcrossExpiry({
    chain,
    compute,
    volume,
    imageId,
    restartVolume,
    deleteOnTermination: true,
  })
  return { ...booted, chain, images, volume, compute, imageId, data }
}

function receivedBy(images: Images, service: 'object' | 'image'): Json[] {
  return readFileSync(join(images.storage.dir, service, 'audit.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Json)
    .filter((l) => l.direction === 'received')
}

test("every hop sends its service token: ACTIVE although the user's token expired mid-copy", async () => {
  const all = { compute: true, volume: true, image: true }
  const { server, volumeId, chain, images, volume, compute, imageId, data } = await bootLongJob(
    all,
    true,
  )
  assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault))
  assert.ok(readHead(join(volume.dataDir, 'volumes', volumeId), data.length).equals(data))
  const svc = chain.identity.users.svc.id
  // compute -> volume: the polls and the attach after expiry came in on compute's word
  const atVolume = volume.audit().filter((l) => String(l.path).includes(volumeId))
  const attach = atVolume.find((l) => l.method === 'POST' && String(l.path).endsWith('/action'))
  assert.equal(attach?.expired_user_token_accepted, true)
  assert.equal(attach?.service_user_id, svc)
  // the line says when the user token expired (never the token): before the line was written
  const expiredAt = Date.parse(String(attach?.user_token_expires_at))
  assert.ok(expiredAt < Date.parse(String(attach?.time)), JSON.stringify(attach))
  assert.ok(atVolume.some((l) => l.method === 'GET' && l.expired_user_token_accepted === true))
  // volume -> image: the copy restarted after expiry, on volume's word
  const resumed = images.downloads(imageId).at(-1)
  assert.deepEqual(resumed, { expiredAccepted: true, serviceUser: svc })
  // image -> object: the data read for that copy, on image's word
  const objectRead = receivedBy(images, 'object')
    .filter((l) => l.method === 'GET')
    .at(-1)
  assert.equal(objectRead?.expired_user_token_accepted, true)
  assert.equal(objectRead?.service_user_id, svc)
  assert.equal(objectRead?.user_id, (await chain.alice()).userId)
  const sent = compute.audit().filter((l) => l.direction === 'sent')
  assert.ok(sent.length > 0)
  assert.ok(sent.every((l) => l.outcome === 'ok' && l.service_token_sent === true))
})

test('compute sends no service token: ERROR, and the fault names compute -> volume and the 401', async () => {
  const { server, chain, compute } = await bootLongJob(
    { compute: false, volume: true, image: true },
    false,
  )
  assert.equal(server.status, 'ERROR')
  const fault = server.fault as { code: number; message: string }
  assert.match(fault.message, /aborted: compute -> volumev3 GET \/volumes\/[0-9a-f-]+: 401 /)
  assert.match(fault.message, /send_service_user_token = false/)
  const failed = compute.audit().find((l) => l.direction === 'sent' && l.outcome === 'error')
  assert.equal(failed?.status, 401)
  assert.equal(failed?.service_token_sent, false)
  // the volume is still copying: deleting the failed server keeps it, as Nova would
  const observer = await chain.alice()
  const url = `${compute.url}/v2.1/servers/${String(server.id)}`
  assert.equal((await api(url, observer.token, { method: 'DELETE' })).status, 204)
  const kept = `server ${String(server.id)}: its volume`
  assert.ok(compute.logs.some((l) => l.includes(kept) && l.includes('was kept')))
})

test('volume sends no service token: its restarted copy is refused, and the fault names volume -> image', async () => {
  const { server } = await bootLongJob({ compute: true, volume: false, image: true }, true)
  assert.equal(server.status, 'ERROR')
  const message = (server.fault as { message: string }).message
  assert.match(
    message,
    /did not finish being created; its status is error: volume -> image GET \/v2\/images\/[0-9a-f-]+: 401 /,
  )
  assert.match(message, /send_service_user_token = false/)
})

test('image sends no service token (as Glance cannot): ERROR, and the fault names image -> object', async () => {
  const { server } = await bootLongJob({ compute: true, volume: true, image: false }, true)
  assert.equal(server.status, 'ERROR')
  const message = (server.fault as { message: string }).message
  assert.match(message, /volume -> image GET \/v2\/images\/[0-9a-f-]+\/file: 502 /)
  assert.match(message, /image -> object-store GET [^ ]+: 401/)
})
