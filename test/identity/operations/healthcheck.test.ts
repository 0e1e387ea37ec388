/**
 * `/healthcheck` on a real identity server, compared with what oslo.middleware's Healthcheck app
 * (mounted by Keystone 22 at /healthcheck) answers: no backends → 200 with an empty text/plain
 * body, HEAD 204; `disable_by_file` with the file present → 503 `DISABLED BY FILE`; JSON on
 * `Accept: application/json`; the detailed view only for an admin token.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import {
  ADMIN_PASSWORD,
  startTestIdentity,
  type TestIdentity,
} from '../../support/identity_server.ts'
import { passwordLogin } from '../../support/login.ts'

let plain: TestIdentity
let guarded: TestIdentity
const dir = mkdtempSync(join(tmpdir(), 'baton-healthcheck-'))
const disableFile = join(dir, 'healthcheck_disable')

before(async () => {
  plain = await startTestIdentity()
  guarded = await startTestIdentity({
    extraConfig: [
      '[healthcheck]',
      'backends = disable_by_file',
      `disable_by_file_path = ${disableFile}`,
      'detailed = true',
    ],
  })
})

after(async () => {
  await plain?.close()
  await guarded?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('without backends: GET 200 with an empty text/plain body, HEAD 204, JSON lists no reasons', async () => {
  const get = await fetch(`${plain.url}/healthcheck`)
  assert.equal(get.status, 200)
  assert.equal(get.headers.get('content-type'), 'text/plain; charset=UTF-8')
  assert.equal(await get.text(), '')
  const head = await fetch(`${plain.url}/healthcheck`, { method: 'HEAD' })
  assert.equal(head.status, 204)
  const json = await fetch(`${plain.url}/healthcheck`, {
    headers: { accept: 'application/json' },
  })
  assert.match(String(json.headers.get('content-type')), /^application\/json/)
  assert.deepEqual(await json.json(), { detailed: false, reasons: [] })
  // no token needed, and an invalid one changes nothing
  const withJunk = await fetch(`${plain.url}/healthcheck`, { headers: { 'x-auth-token': 'junk' } })
  assert.equal(withJunk.status, 200)
})

test('disable_by_file: OK while the file is absent, 503 DISABLED BY FILE while present', async () => {
  const ok = await fetch(`${guarded.url}/healthcheck`)
  assert.equal(ok.status, 200)
  assert.equal(await ok.text(), 'OK')
  writeFileSync(disableFile, '')
  try {
    const down = await fetch(`${guarded.url}/healthcheck`)
    assert.equal(down.status, 503)
    assert.equal(await down.text(), 'DISABLED BY FILE')
    const head = await fetch(`${guarded.url}/healthcheck`, { method: 'HEAD' })
    assert.equal(head.status, 503)
    const json = await fetch(`${guarded.url}/healthcheck`, {
      headers: { accept: 'text/html;q=0.5, application/json' },
    })
    assert.equal(json.status, 503)
    assert.deepEqual(await json.json(), { detailed: false, reasons: ['DISABLED BY FILE'] })
  } finally {
    rmSync(disableFile)
  }
})

test('detailed = true: the JSON detail only for an admin token; others get the plain view', async () => {
  const accept = 'application/json'
  const anonymous = await fetch(`${guarded.url}/healthcheck`, { headers: { accept } })
  assert.deepEqual(await anonymous.json(), { detailed: false, reasons: ['OK'] })
  const member = await guarded.token(guarded.users.alice)
  const asMember = await fetch(`${guarded.url}/healthcheck`, {
    headers: { accept, 'x-auth-token': member },
  })
  assert.deepEqual(await asMember.json(), { detailed: false, reasons: ['OK'] })
  const admin = (await passwordLogin(guarded.url, 'admin', ADMIN_PASSWORD, 'admin')).token
  const asAdmin = await fetch(`${guarded.url}/healthcheck`, {
    headers: { accept, 'x-auth-token': admin },
  })
  assert.equal(asAdmin.status, 200)
  const body = (await asAdmin.json()) as {
    detailed: boolean
    reasons: { reason: string; details: string; class: string }[]
    baton: {
      database: { reachable: boolean }
      keys: { loaded: boolean; count: number; primary_age_seconds: number | null }
      cache: { kind: string }
      fleet: {
        live: number
        lagging: string[]
        nodes: { live: boolean; holds_staged_key: boolean | null; key_store: string }[]
      }
    }
  }
  assert.equal(body.detailed, true)
  assert.deepEqual(body.reasons, [
    { class: 'HealthcheckResult', details: `Path '${disableFile}' was not found`, reason: 'OK' },
  ])
  assert.equal(body.baton.database.reachable, true)
  assert.equal(body.baton.keys.loaded, true)
  assert.ok(body.baton.keys.count >= 2)
  assert.equal(typeof body.baton.keys.primary_age_seconds, 'number')
  assert.equal(body.baton.cache.kind, 'in-process')
  // this server's own heartbeat: live, holding the staged key, nobody lagging
  assert.equal(body.baton.fleet.live, 1)
  assert.deepEqual(body.baton.fleet.lagging, [])
  assert.equal(body.baton.fleet.nodes[0]?.holds_staged_key, true)
  assert.equal(body.baton.fleet.nodes[0]?.key_store, 'files')
  // the plain text view stays plain, even for the admin
  const text = await fetch(`${guarded.url}/healthcheck`, { headers: { 'x-auth-token': admin } })
  assert.equal(await text.text(), 'OK')
})
