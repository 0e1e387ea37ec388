/**
 * The chain compute -> volume -> image -> object with every server on HTTPS (`[ssl] cert_file`,
 * `key_file`) under a test CA, and every middleware and sender trusting it only through `cafile`
 * (`[keystone_authtoken]`, `[service_user]`): the server boots from a volume whose copy outlives
 * the user's token, each hop accepting the expired token on the caller's service token, across TLS.
 * The test process itself trusts the CA through undici's global dispatcher.
 * @module
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { makeTestTls, type TestTls, trustInTests } from '../../support/tls.ts'
import { bootAcrossExpiry, readHead, startChain } from '../chain_support.ts'

const RATE = 64 * 1024
let tls: TestTls
let untrust: () => Promise<void>

before(() => {
  tls = makeTestTls()
  untrust = trustInTests(tls.caFile)
})
after(async () => {
  await untrust()
  tls.close()
})

test('over HTTPS with cafile: ACTIVE although the user token expired mid-copy, service tokens at each hop', async () => {
  const chain = await startChain({ tls })
  try {
    assert.match(chain.identity.url, /^https:/)
    const images = await chain.images()
    assert.match(images.url, /^https:/)
    const volume = await chain.startVolume({ defaults: { copy_bytes_per_second: RATE } })
    const compute = await chain.startCompute({
      defaults: { block_device_allocate_retries_interval: 0.05 },
    })
    assert.match(compute.url, /^https:/)
    const data = randomBytes(2 * RATE)
    const imageId = await images.add(data)
    const { server, volumeId } = await bootAcrossExpiry({
      chain,
      compute,
      volume,
      imageId,
      restartVolume: true,
      deleteOnTermination: true,
    })
    assert.equal(server.status, 'ACTIVE', JSON.stringify(server.fault))
    assert.ok(readHead(join(volume.dataDir, 'volumes', volumeId), data.length).equals(data))
    const svc = chain.identity.users.svc.id
    // volume -> image after the expiry, on volume's service token, over HTTPS
    assert.deepEqual(images.downloads(imageId).at(-1), { expiredAccepted: true, serviceUser: svc })
    const attach = volume
      .audit()
      .find((l) => l.method === 'POST' && String(l.path).endsWith('/action'))
    assert.equal(attach?.expired_user_token_accepted, true)
  } finally {
    await chain.close()
  }
})
