/**
 * revocation_push end to end, a real identity and a real guarded service (in-process cache): a
 * revoked token, or a disabled user's, is refused while its validation is still cached (the test
 * clock never moves, so token_cache_time cannot have passed), where the same service without push
 * keeps accepting it (OSSN-0056); and after identity restarts, an event recorded meanwhile by another
 * node on the same database still arrives (the subscription resumes from its cursor).
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ADMIN_PASSWORD, startTestIdentity } from '../../support/identity_server.ts'
import { passwordLogin } from '../../support/login.ts'
import { call, type Guarded, startGuarded } from '../support.ts'

/** Calls until the status is `status`, for at most 15 s of wall time (never the test clock). */
async function until(g: Guarded, token: string, status: number): Promise<number> {
  let last = 0
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(50)) {
    last = (await call(g.url, { 'X-Auth-Token': token })).status
    if (last === status) return last
  }
  return last
}

async function connected(g: Guarded): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(25)) {
    if (g.auth.revocationPush?.connected === true) return
  }
  assert.fail('the subscription never came up')
}

test('a revoked token is refused while still cached; without push it is not', async () => {
  const identity = await startTestIdentity()
  const push = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: 300 }),
    clock: identity.clock,
  })
  const plain = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: 300, revocation_push: false }),
    clock: identity.clock,
  })
  try {
    assert.equal(plain.auth.revocationPush, undefined)
    const token = await identity.token(identity.users.alice)
    const other = await identity.token(identity.users.alice)
    for (const g of [push, plain]) {
      assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
      assert.equal((await call(g.url, { 'X-Auth-Token': other })).status, 200)
    }
    await connected(push)
    await identity.revoke(token)
    assert.equal(await until(push, token, 401), 401)
    assert.equal(
      (await call(push.url, { 'X-Auth-Token': other })).status,
      200,
      'another token of the same user is not touched',
    )
    assert.equal(
      (await call(plain.url, { 'X-Auth-Token': token })).status,
      200,
      'without push the cached validation is trusted for token_cache_time (OSSN-0056)',
    )
  } finally {
    await push.close()
    await plain.close()
    await identity.close()
  }
})

test("a disabled user's cached tokens are refused", async () => {
  const identity = await startTestIdentity()
  const g = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: 300 }),
    clock: identity.clock,
  })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
    await connected(g)
    await identity.admin('PATCH', `/users/${identity.users.alice.id}`, {
      user: { enabled: false },
    })
    assert.equal(await until(g, token, 401), 401)
  } finally {
    await g.close()
    await identity.close()
  }
})

test('after identity restarts, an event recorded meanwhile by another node still arrives', async () => {
  const identity = await startTestIdentity()
  const node = await identity.startNode()
  const warnings: string[] = []
  const g = await startGuarded({
    options: identity.authtokenOptions({ token_cache_time: 300 }),
    clock: identity.clock,
    logger: { warn: (m: string) => warnings.push(m), info: () => {} },
  })
  try {
    const token = await identity.token(identity.users.alice)
    assert.equal((await call(g.url, { 'X-Auth-Token': token })).status, 200)
    await connected(g)
    await identity.stop()
    // revoked through the other node while this service's identity is down
    const admin = await passwordLogin(node.url, 'admin', ADMIN_PASSWORD, 'admin')
    const res = await fetch(`${node.url}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': admin.token, 'X-Subject-Token': token },
    })
    assert.equal(res.status, 204)
    for (const deadline = Date.now() + 15_000; g.auth.revocationPush?.connected; ) {
      assert.ok(Date.now() < deadline, 'the subscription notices identity is gone')
      await sleep(25)
    }
    assert.equal(
      (await call(g.url, { 'X-Auth-Token': token })).status,
      200,
      'stream down: the cached validation keeps working on plain expiry',
    )
    assert.equal(warnings.filter((w) => w.startsWith('revocation events:')).length, 1)
    await identity.restart()
    assert.equal(await until(g, token, 401), 401, 'the cursor replayed the missed event')
    assert.equal(
      warnings.filter((w) => w.startsWith('revocation events:')).length,
      1,
      'logged once while down',
    )
  } finally {
    await g.close()
    await node.close()
    await identity.close()
  }
})
