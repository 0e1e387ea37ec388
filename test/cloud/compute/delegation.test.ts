/**
 * Issue 15's "done when", on the whole real chain compute -> volume -> image -> object with
 * identity's `[token] allow_expired_window = 0`: a server boots from a volume whose throttled copy
 * outlives the user's token (the injected clock jumps past its expiry mid-copy, and the volume
 * service restarts so its copy starts again after expiry). With `[service_user] delegate = true`
 * compute binds the boot to a delegation, volume narrows it for the copy, and the server goes ACTIVE
 * with each hop's audit line naming the actor chain; with plain service tokens the first call after
 * expiry is refused and the server ends in ERROR naming that hop.
 * @module
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'
import { bootAcrossExpiry, type Images, readHead, startChain } from '../chain_support.ts'

const RATE = 64 * 1024
type Json = Record<string, unknown>
let cleanup: (() => Promise<void>) | undefined

afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

async function bootWithWindowZero(delegate: boolean) {
  const chain = await startChain({ identityConfig: ['[token]', 'allow_expired_window = 0'] })
  cleanup = () => chain.close()
  const images = await chain.images()
  const volume = await chain.startVolume({
    delegate,
    defaults: { copy_bytes_per_second: RATE },
  })
  const compute = await chain.startCompute({
    delegate,
    defaults: { block_device_allocate_retries_interval: 0.05 },
  })
  const data = randomBytes(2 * RATE)
  const imageId = await images.add(data)
  const booted = await bootAcrossExpiry({ chain, compute, volume, imageId, restartVolume: true })
  return { ...booted, chain, images, volume, compute, imageId, data }
}

function receivedBy(images: Images, service: 'object' | 'image'): Json[] {
  return readFileSync(join(images.storage.dir, service, 'audit.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Json)
    .filter((l) => l.direction === 'received')
}

test('window 0, senders delegate: ACTIVE past the user token’s expiry, each hop records the chain', async () => {
  const { server, volumeId, volume, compute, images, imageId, data } =
    await bootWithWindowZero(true)
  assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault))
  assert.ok(readHead(join(volume.dataDir, 'volumes', volumeId), data.length).equals(data))
  // compute obtained the delegation for the boot; volume narrowed it for its copy
  const obtained = compute.audit().find((l) => l.direction === 'sent' && l.target === 'identity')
  assert.equal(obtained?.outcome, 'ok')
  assert.match(String(obtained?.operation), /^compute:boot:[0-9a-f-]+$/)
  assert.deepEqual(obtained?.actor_chain, ['svc'])
  const narrowed = volume.audit().find((l) => l.direction === 'sent' && l.target === 'identity')
  assert.equal(narrowed?.outcome, 'ok')
  assert.equal(narrowed?.operation, obtained?.operation)
  assert.deepEqual(narrowed?.actor_chain, ['svc', 'svc'])
  // volume: the polls and the attach after expiry came on compute's delegation, not on a window
  const atVolume = volume.audit().filter((l) => String(l.path).includes(volumeId))
  const attach = atVolume.find((l) => l.method === 'POST' && String(l.path).endsWith('/action'))
  assert.equal(attach?.outcome, 'ok')
  assert.equal(attach?.delegation_id, obtained?.delegation_id)
  assert.deepEqual(attach?.actor_chain, ['svc'])
  assert.equal(attach?.expired_user_token_accepted, false)
  // image and object: the restarted copy's reads came on volume's narrowed delegation
  const imageRead = receivedBy(images, 'image')
    .filter((l) => l.path === `/v2/images/${imageId}/file`)
    .at(-1)
  assert.equal(imageRead?.status, 200)
  assert.equal(imageRead?.delegation_id, narrowed?.delegation_id)
  assert.deepEqual(imageRead?.actor_chain, ['svc', 'svc'])
  const objectRead = receivedBy(images, 'object')
    .filter((l) => l.method === 'GET')
    .at(-1)
  assert.equal(objectRead?.delegation_id, narrowed?.delegation_id)
  assert.deepEqual(objectRead?.actor_chain, ['svc', 'svc'])
  assert.equal(objectRead?.expired_user_token_accepted, false)
})

test('window 0, plain service tokens: ERROR, and the fault names compute -> volume and the window', async () => {
  const { server, compute } = await bootWithWindowZero(false)
  assert.equal(server.status, 'ERROR')
  const message = (server.fault as { message: string }).message
  assert.match(message, /aborted: compute -> volumev3 GET \/volumes\/[0-9a-f-]+: 401 /)
  assert.match(message, /allow_expired_window/)
  assert.match(message, /delegate = true/)
  assert.ok(compute.audit().every((l) => l.target !== 'identity'))
})
