/**
 * `GET /v3/OS-BATON/chains` on an identity server started without the doctor's checks (embedded,
 * not by `baton serve identity`): the catalog's services, no hops, and a hint saying why. The
 * checks themselves are tested where the CLI injects them (test/cli/console_chains_api.test.ts).
 * @module
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'

let identity: TestIdentity

before(async () => {
  identity = await startTestIdentity()
})
after(async () => {
  await identity?.close()
})

test('without a chains source: the catalog only, edges unknown, a hint', async () => {
  await identity.admin('POST', '/services', { service: { type: 'image', name: 'glance' } })
  const token = await identity.token({
    name: 'admin',
    password: 'test-admin-pw',
    id: '',
    project: 'admin',
  })
  const res = await fetch(`${identity.url}/v3/OS-BATON/chains`, {
    headers: { 'x-auth-token': token },
  })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  const body = (await res.json()) as {
    configured: boolean
    hint: string
    edges: unknown[]
    nodes: { name: string; catalog_type: string; state: string }[]
  }
  assert.equal(body.configured, false)
  assert.match(body.hint, /baton serve identity/)
  assert.deepEqual(body.edges, [])
  const image = body.nodes.find((n) => n.catalog_type === 'image')
  assert.deepEqual(image, { ...image, name: 'glance', state: 'unknown' })
})

test('another method is a 405 and no token a 401, with Keystone bodies', async () => {
  const post = await fetch(`${identity.url}/v3/OS-BATON/chains`, { method: 'POST' })
  assert.equal(post.status, 405)
  assert.equal(((await post.json()) as { error: { code: number } }).error.code, 405)
  const anonymous = await fetch(`${identity.url}/v3/OS-BATON/chains`)
  assert.equal(anonymous.status, 401)
  assert.equal(((await anonymous.json()) as { error: { code: number } }).error.code, 401)
})
