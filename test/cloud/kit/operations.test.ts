/**
 * A reference service's operator endpoints on the real chain: `/healthcheck` answers without a
 * token (oslo's plain view, `disable_by_file`), and `/metrics` (`[metrics] enabled`) shows the
 * auth middleware's counts moving: a call as compute makes it to volume, with alice's expired
 * token and compute's service token (svc, service role), is let in and counted under
 * service_user="svc"; an expired token alone is rejected; identity round trips and cache hits.
 * @module
 */
import assert from 'node:assert/strict'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { EXPIRATION } from '../../support/identity_server.ts'
import { type Chain, type ServiceHandle, startChain } from '../chain_support.ts'
import { login } from '../storage_support.ts'

let chain: Chain
let volume: ServiceHandle
let disableFile = ''

before(async () => {
  chain = await startChain()
  disableFile = join(chain.dir, 'volume_disable')
  volume = await chain.startVolume({
    groups: {
      metrics: { enabled: true },
      healthcheck: { backends: 'disable_by_file', disable_by_file_path: disableFile },
    },
  })
})

after(async () => {
  await chain?.close()
})

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? 0 : Number(line.slice(series.length + 1))
}

async function scrape(): Promise<string> {
  const res = await fetch(`${volume.url}/metrics`)
  assert.equal(res.status, 200)
  return res.text()
}

test('/healthcheck: no token needed; 503 DISABLED BY FILE while the file exists', async () => {
  const ok = await fetch(`${volume.url}/healthcheck`)
  assert.equal(ok.status, 200)
  assert.equal(await ok.text(), 'OK')
  writeFileSync(disableFile, '')
  try {
    const down = await fetch(`${volume.url}/healthcheck`)
    assert.equal(down.status, 503)
    assert.equal(await down.text(), 'DISABLED BY FILE')
    assert.equal((await fetch(`${volume.url}/healthcheck`, { method: 'HEAD' })).status, 503)
  } finally {
    rmSync(disableFile)
  }
  assert.equal(existsSync(disableFile), false)
  assert.equal((await fetch(`${volume.url}/healthcheck`, { method: 'HEAD' })).status, 204)
})

test('/metrics: the middleware counts an expired user token let in on svc’s service token', async () => {
  const alice = await chain.alice()
  const svc = await login(chain.identity.url, 'svc', 'pw-svc', 'service')
  const list = `${volume.url}/v3/${alice.projectId}/volumes`
  const fresh = await fetch(list, { headers: { 'x-auth-token': alice.token } })
  assert.equal(fresh.status, 200)
  await fresh.arrayBuffer()
  const again = await fetch(list, { headers: { 'x-auth-token': alice.token } })
  await again.arrayBuffer()
  const before = await scrape()

  chain.identity.clock.advance(EXPIRATION + 5)
  const svcNow = await login(chain.identity.url, 'svc', 'pw-svc', 'service')
  const alone = await fetch(list, { headers: { 'x-auth-token': alice.token } })
  assert.equal(alone.status, 401)
  await alone.arrayBuffer()
  const vouched = await fetch(list, {
    headers: { 'x-auth-token': alice.token, 'x-service-token': svcNow.token },
  })
  assert.equal(vouched.status, 200)
  await vouched.arrayBuffer()
  assert.notEqual(svc.token, svcNow.token)

  const after = await scrape()
  assert.equal(
    sample(after, 'baton_middleware_expired_tokens_accepted_total{service_user="svc"}'),
    1,
  )
  const confirmed = 'baton_middleware_decisions_total{outcome="confirmed"}'
  assert.equal(sample(after, confirmed) - sample(before, confirmed), 1)
  const rejected = 'baton_middleware_decisions_total{outcome="rejected"}'
  assert.equal(sample(after, rejected) - sample(before, rejected), 1)
  // the first call asked identity, the second found the token in the in-process cache
  assert.ok(sample(before, 'baton_middleware_identity_requests_total{result="valid"}') >= 1)
  assert.ok(sample(before, 'baton_middleware_cache_hits_total{layer="local"}') >= 1)
  assert.ok(sample(after, 'baton_middleware_identity_requests_total{result="valid"}') > 1)
  for (const token of [alice.token, svc.token, svcNow.token]) assert.ok(!after.includes(token))
})
