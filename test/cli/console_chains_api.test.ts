/**
 * `GET /v3/OS-BATON/chains` (the console's Chains view) on a real identity server with the CLI's
 * doctor as its chains source (as `baton serve identity` wires it), over four real service
 * configs in a temp dir: the policy (admin and system reader yes, a project member 403 with
 * Keystone's body), the report's shape (catalog endpoints, files, hops in chain order), a broken
 * sender or receiver on the right hop, a role missing on a receiver attributed to its hop by the
 * doctor's own edge (not guessed from the file), a fix on disk seen on the next request, and
 * `baton doctor --format json` unchanged by that edge.
 * @module
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { doctorChainsSource } from '../../packages/cli/src/doctor/chains_source.ts'
import {
  startTestIdentity,
  type TestIdentity,
  testClock,
  type WorldUser,
} from '../support/identity_server.ts'
import { iniText } from '../support/ini_text.ts'
import { systemReaderToken } from '../support/system_reader.ts'
import { runBaton } from './cli_harness.ts'

type Finding = {
  severity: 'error' | 'warning'
  file: string
  section: string
  option: string
  problem: string
  fix: string
  edge: { from: string; to: string } | null
  service: string | null
}
type Report = {
  configured: boolean
  hint: string | null
  error: string | null
  files: { file: string; roles: string[]; service: string | null }[]
  nodes: {
    name: string
    catalog_type: string
    endpoints: { interface: string; url: string }[]
    config_file: string | null
    sends: boolean
    receives: boolean
    state: string
    findings: Finding[]
  }[]
  edges: { from: string; to: string; state: string; findings: Finding[] }[]
  other_findings: Finding[]
  summary: { errors: number; warnings: number }
}

const dir = mkdtempSync(join(tmpdir(), 'baton-chains-'))
const path = (service: string) => join(dir, `${service}.conf`)
const clock = testClock()
let identity: TestIdentity
let adminToken: string

type Overrides = Partial<
  Record<'compute' | 'volume' | 'image' | 'object', Record<string, Record<string, string>>>
>

/** The four services' configs as `baton up` writes them (object sends nothing), with overrides. */
function writeConfigs(o: Overrides = {}): void {
  const sender = (user: WorldUser) => ({
    send_service_user_token: true,
    auth_type: 'password',
    auth_url: `${identity.url}/v3`,
    username: user.name,
    password: user.password,
    user_domain_name: 'Default',
    project_name: user.project,
    project_domain_name: 'Default',
  })
  for (const service of ['compute', 'volume', 'image', 'object'] as const) {
    const extra = o[service] ?? {}
    writeFileSync(
      path(service),
      iniText({
        keystone_authtoken: { ...identity.authtokenOptions(), ...extra.keystone_authtoken },
        ...(service === 'object'
          ? {}
          : { service_user: { ...sender(identity.users.svc), ...extra.service_user } }),
      }),
      { mode: 0o600 },
    )
  }
}

const chains = async (token?: string) =>
  fetch(`${identity.url}/v3/OS-BATON/chains`, {
    headers: token === undefined ? {} : { 'x-auth-token': token },
  })

async function report(): Promise<Report> {
  const res = await chains(adminToken)
  assert.equal(res.status, 200, await res.clone().text())
  return (await res.json()) as Report
}

const edge = (r: Report, from: string) => {
  const found = r.edges.find((e) => e.from === from)
  assert.ok(found, `no edge from ${from}`)
  return found
}

before(async () => {
  identity = await startTestIdentity({
    clock,
    chains: doctorChainsSource({ clock, timeoutMs: 10_000 }),
    extraConfig: [
      '[console]',
      `service_config_files = ${['compute', 'volume', 'image', 'object'].map(path).join(',')}`,
    ],
  })
  writeConfigs()
  const service = (await identity.admin('POST', '/services', {
    service: { type: 'compute', name: 'nova' },
  })) as { service: { id: string } }
  await identity.admin('POST', '/endpoints', {
    endpoint: {
      service_id: service.service.id,
      interface: 'public',
      url: 'http://127.0.0.1:8774/v2.1',
    },
  })
  adminToken = await identity.token({
    name: 'admin',
    password: 'test-admin-pw',
    id: '',
    project: 'admin',
  })
})

after(async () => {
  await identity?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('a clean chain: four services, three hops ok, the catalog beside each file', async () => {
  const r = await report()
  assert.equal(r.configured, true)
  assert.equal(r.hint, null)
  assert.equal(r.error, null)
  assert.deepEqual(
    r.nodes.map((n) => [n.name, n.catalog_type, n.config_file, n.sends, n.receives, n.state]),
    [
      ['compute', 'compute', path('compute'), true, true, 'ok'],
      ['volume', 'volumev3', path('volume'), true, true, 'ok'],
      ['image', 'image', path('image'), true, true, 'ok'],
      ['object', 'object-store', path('object'), false, true, 'ok'],
    ],
  )
  assert.deepEqual(r.nodes[0]?.endpoints, [
    { interface: 'public', url: 'http://127.0.0.1:8774/v2.1', region: null },
  ])
  assert.deepEqual(
    r.edges.map((e) => [e.from, e.to, e.state, e.findings.length]),
    [
      ['compute', 'volume', 'ok', 0],
      ['volume', 'image', 'ok', 0],
      ['image', 'object', 'ok', 0],
    ],
  )
  assert.deepEqual(r.summary, { errors: 0, warnings: 0 })
})

test("a receiver's config broken on disk turns its incoming hop red; fixed, it is green again", async () => {
  writeConfigs({ volume: { keystone_authtoken: { service_token_roles_required: 'false' } } })
  const broken = await report()
  const hop = edge(broken, 'compute')
  assert.equal(hop.state, 'error')
  assert.equal(hop.findings.length, 1)
  const finding = hop.findings[0]
  assert.equal(finding?.file, path('volume'))
  assert.equal(finding?.section, 'keystone_authtoken')
  assert.equal(finding?.option, 'service_token_roles_required')
  assert.match(String(finding?.fix), /service_token_roles_required = true/)
  assert.deepEqual(finding?.edge, { from: 'compute', to: 'volume' })
  assert.equal(edge(broken, 'volume').state, 'ok')
  assert.equal(edge(broken, 'image').state, 'ok')
  writeConfigs()
  const fixed = await report()
  assert.equal(edge(fixed, 'compute').state, 'ok')
})

test("a sender's refused password is on its outgoing hop, and no secret is in the answer", async () => {
  writeConfigs({ volume: { service_user: { password: 'not-the-password-xyz' } } })
  const res = await chains(adminToken)
  const text = await res.text()
  assert.ok(!text.includes('not-the-password-xyz'))
  assert.ok(!text.includes(identity.users.svc.password))
  const r = JSON.parse(text) as Report
  const hop = edge(r, 'volume')
  assert.equal(hop.to, 'image')
  assert.equal(hop.state, 'error')
  assert.deepEqual(
    hop.findings.map((f) => [f.file, f.section, f.option]),
    [[path('volume'), 'service_user', 'password']],
  )
  assert.match(String(hop.findings[0]?.problem), /refused the credentials/)
  assert.equal(edge(r, 'compute').state, 'ok')
  writeConfigs()
})

test("a role the receiver requires and the senders lack: the doctor's edge puts it on the hop", async () => {
  // image accepts only the admin role in service tokens: svc (service role) lacks it
  writeConfigs({ image: { keystone_authtoken: { service_token_roles: 'admin' } } })
  const r = await report()
  const hop = edge(r, 'volume')
  assert.equal(hop.state, 'error')
  // in volume.conf [service_user], yet about image: only the doctor's edge says which hop
  assert.deepEqual(
    hop.findings.map((f) => [f.file, f.section, f.option]),
    [[path('volume'), 'service_user', 'username']],
  )
  assert.match(String(hop.findings[0]?.fix), /openstack role add .* admin/)
  // compute's user lacks it too, but compute never calls image: on no drawn hop
  assert.equal(edge(r, 'compute').state, 'ok')
  assert.deepEqual(
    r.other_findings.map((f) => [f.file, f.edge]),
    [[path('compute'), { from: 'compute', to: 'image' }]],
  )
  // `baton doctor --format json` prints the findings as before: no edge field
  const files = ['compute', 'volume', 'image', 'object'].map(path)
  const run = await runBaton(
    ['doctor', ...files.flatMap((f) => ['--config-file', f]), '--format', 'json'],
    { now: clock.now },
  )
  const printed = JSON.parse(run.stdout) as { findings: Record<string, unknown>[] }
  assert.equal(printed.findings.length, 2)
  for (const f of printed.findings) {
    assert.deepEqual(Object.keys(f), ['severity', 'file', 'section', 'option', 'problem', 'fix'])
  }
  writeConfigs()
})

test('a missing config file is a finding on its service, and the hop into it is not checked', async () => {
  rmSync(path('object'))
  const r = await report()
  assert.equal(r.error, null)
  assert.equal(edge(r, 'image').state, 'unknown')
  const object = r.nodes.find((n) => n.name === 'object')
  assert.equal(object?.state, 'error')
  assert.equal(object?.config_file, path('object'))
  assert.deepEqual(
    object?.findings.map((f) => [f.file, f.severity]),
    [[path('object'), 'error']],
  )
  assert.deepEqual(r.other_findings, [])
  writeConfigs()
})

test('a sender without [service_user] makes its hop an error (the user token alone)', async () => {
  const text = readFileSync(path('compute'), 'utf8')
  writeFileSync(path('compute'), text.slice(0, text.indexOf('[service_user]')))
  const r = await report()
  const hop = edge(r, 'compute')
  assert.equal(hop.state, 'error')
  assert.deepEqual(
    hop.findings.map((f) => [f.file, f.section, f.option]),
    [[path('compute'), 'service_user', 'send_service_user_token']],
  )
  assert.equal(r.nodes[0]?.sends, false)
  writeConfigs()
})

test('a reader on the system may read it; a project member gets a 403 ForbiddenAction', async () => {
  const allowed = await chains(await systemReaderToken(identity))
  assert.equal(allowed.status, 200)
  const refused = await chains(await identity.token(identity.users.alice))
  assert.equal(refused.status, 403)
  assert.deepEqual(await refused.json(), {
    error: {
      code: 403,
      title: 'Forbidden',
      message: 'You are not authorized to perform the requested action: identity:baton_chains.',
    },
  })
  const anonymous = await chains()
  assert.equal(anonymous.status, 401)
})
