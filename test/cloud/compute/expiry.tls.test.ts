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
import { api, bootAcrossExpiry, readHead, startChain, waitFor } from '../chain_support.ts'

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

test('[service_user] cafile naming another CA: the boot goes ERROR with a fault saying why', async () => {
  const chain = await startChain({ tls })
  try {
    const images = await chain.images()
    await chain.startVolume()
    const compute = await chain.startCompute({
      serviceUser: { cafile: tls.otherCa().cert },
      defaults: { block_device_allocate_retries_interval: 0.05 },
    })
    const imageId = await images.add(randomBytes(1024))
    const alice = await chain.alice()
    const bdm = {
      source_type: 'image',
      destination_type: 'volume',
      uuid: imageId,
      volume_size: 1,
      boot_index: 0,
    }
    const created = await api(`${compute.url}/v2.1/servers`, alice.token, {
      method: 'POST',
      json: {
        server: { name: 'tls', flavorRef: '1', imageRef: '', block_device_mapping_v2: [bdm] },
      },
    })
    assert.equal(created.status, 202, JSON.stringify(created.body))
    const id = (created.body.server as Record<string, unknown>).id as string
    const server = await waitFor(
      async () =>
        (await api(`${compute.url}/v2.1/servers/${id}`, alice.token)).body.server as Record<
          string,
          unknown
        >,
      (s) => s.status === 'ACTIVE' || s.status === 'ERROR',
    )
    assert.equal(server.status, 'ERROR')
    assert.match(
      JSON.stringify(server.fault),
      /cannot verify https:\/\/127\.0\.0\.1:\d+: .*the CA in cafile did not sign it/,
    )
  } finally {
    await chain.close()
  }
})
