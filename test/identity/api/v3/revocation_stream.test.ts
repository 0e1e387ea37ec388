/**
 * `GET /v3/OS-BATON/revocation-events`, the long-poll the middleware subscribes to, on a real
 * identity server with real tokens: guarded by identity:list_revoke_events (service or admin),
 * resumable by cursor (each event once, none lost), woken by a revocation recorded on this node or
 * on another node sharing the database, answered at once when the server closes.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTestIdentity, type TestIdentity } from '../../../support/identity_server.ts'
import { passwordLogin } from '../../../support/login.ts'

const PATH = '/v3/OS-BATON/revocation-events'

type Page = { events: Record<string, string>[]; cursor: string }

async function get(
  base: string,
  token: string | undefined,
  query = '',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${PATH}${query}`, {
    headers: token === undefined ? {} : { 'X-Auth-Token': token },
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

async function page(base: string, token: string, query: string): Promise<Page> {
  const res = await get(base, token, query)
  assert.equal(res.status, 200, JSON.stringify(res.json))
  return res.json as unknown as Page
}

function auditIdOf(identity: TestIdentity, token: string): Promise<string> {
  return fetch(`${identity.url}/v3/auth/tokens`, {
    headers: { 'X-Auth-Token': token, 'X-Subject-Token': token },
  })
    .then((r) => r.json())
    .then((b) => (b as { token: { audit_ids: string[] } }).token.audit_ids[0] ?? '')
}

test('only service users and admins may subscribe; bad input is a 400 with Keystone body', async () => {
  const identity = await startTestIdentity()
  try {
    assert.equal((await get(identity.url, undefined)).status, 401)
    const member = await identity.token(identity.users.alice)
    assert.equal((await get(identity.url, member)).status, 403)
    const service = await identity.token(identity.users.authtoken)
    assert.equal((await get(identity.url, service)).status, 200)
    for (const query of ['?cursor=x', '?cursor=3.2', '?since=yesterday', '?wait=-1', '?wait=a']) {
      const res = await get(identity.url, service, query)
      assert.equal(res.status, 400, query)
      assert.equal((res.json.error as { code: number }).code, 400)
    }
  } finally {
    await identity.close()
  }
})

test('since gives the backlog; the cursor gives each later event once', async () => {
  const identity = await startTestIdentity()
  try {
    const service = await identity.token(identity.users.authtoken)
    const first = await identity.token(identity.users.alice)
    const firstAudit = await auditIdOf(identity, first)
    await identity.revoke(first)
    const backlog = await page(identity.url, service, '?since=2000-01-01T00:00:00Z')
    assert.deepEqual(
      backlog.events.map((e) => e.audit_id),
      [firstAudit],
    )
    assert.equal((await page(identity.url, service, `?cursor=${backlog.cursor}`)).events.length, 0)

    const second = await identity.token(identity.users.alice)
    const secondAudit = await auditIdOf(identity, second)
    await identity.revoke(second)
    const next = await page(identity.url, service, `?cursor=${backlog.cursor}`)
    assert.deepEqual(
      next.events.map((e) => e.audit_id),
      [secondAudit],
    )
    assert.ok(next.events[0]?.issued_before && next.events[0]?.revoked_at)
    assert.deepEqual((await page(identity.url, service, `?cursor=${next.cursor}`)).events, [])
    const fresh = await page(identity.url, service, '')
    assert.deepEqual(fresh.events, [], 'no cursor and no since: from now on')
  } finally {
    await identity.close()
  }
})

test('a waiting subscriber is answered by a revocation on this node or another', async () => {
  const identity = await startTestIdentity()
  const other = await identity.startNode()
  try {
    const service = await identity.token(identity.users.authtoken)
    const start = await page(identity.url, service, '')
    const victim = await identity.token(identity.users.alice)
    const audit = await auditIdOf(identity, victim)
    const began = Date.now()
    const waiting = page(identity.url, service, `?cursor=${start.cursor}&wait=30`)
    // recorded by the other node: only the shared database connects them
    const admin = await passwordLogin(other.url, 'admin', 'test-admin-pw', 'admin')
    const revoked = await fetch(`${other.url}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': admin.token, 'X-Subject-Token': victim },
    })
    assert.equal(revoked.status, 204)
    const answer = await waiting
    assert.deepEqual(
      answer.events.map((e) => e.audit_id),
      [audit],
    )
    assert.ok(Date.now() - began < 25_000, 'answered on the event, not at the end of the wait')
  } finally {
    await other.close()
    await identity.close()
  }
})

test('closing the server answers a waiting subscriber at once', async () => {
  const identity = await startTestIdentity()
  const service = await identity.token(identity.users.authtoken)
  const start = await page(identity.url, service, '')
  const began = Date.now()
  const waiting = get(identity.url, service, `?cursor=${start.cursor}&wait=30`)
  await new Promise((resolve) => setTimeout(resolve, 200))
  await identity.close()
  const res = await waiting
  assert.equal(res.status, 200)
  assert.deepEqual((res.json as unknown as Page).events, [])
  assert.ok(Date.now() - began < 25_000)
})
