/**
 * Multi-factor authentication behind a real `baton serve identity`-equivalent server on loopback:
 * the totp method over credentials of type `totp`, auth receipts (401 + `Openstack-Auth-Receipt`
 * with Keystone's body, then the receipt plus the missing method gives a token carrying both),
 * the bad receipts (expired, another user's, malformed), and keystoneauth1's own flows
 * (MissingAuthMethods then ReceiptMethod + TOTPMethod, and MultiFactor) driving it from Python.
 */
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setupKeyRepository } from '@baton/fernet'
import {
  hotp,
  pyB32Decode,
  totpPasscodes,
} from '../../../../packages/identity/src/core/auth/totp_passcodes.ts'
import {
  startTestIdentity,
  type TestIdentity,
  testClock,
} from '../../../support/identity_server.ts'

const PYTHON = '/usr/bin/python3'
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const METHODS = 'external,password,token,oauth1,mapped,application_credential,totp'
const RULES = [['password', 'totp']]

type Reply = {
  status: number
  receipt: string | null
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely
  json: any
}

let identity: TestIdentity

async function authTokens(
  identityBody: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${identity.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ auth: { identity: identityBody } }),
  })
  const text = await res.text()
  return {
    status: res.status,
    receipt: res.headers.get('openstack-auth-receipt'),
    json: text === '' ? undefined : JSON.parse(text),
  }
}

function passcode(): string {
  return totpPasscodes(SECRET, identity.clock.now(), 0)[0] ?? ''
}

const alicePassword = () => ({
  methods: ['password'],
  password: { user: { id: identity.users.alice.id, password: identity.users.alice.password } },
})
const aliceTotp = (code = passcode()) => ({
  methods: ['totp'],
  totp: { user: { name: 'alice', domain: { id: 'default' }, passcode: code } },
})

function assertReceiptNotFound(reply: Reply): void {
  assert.equal(reply.status, 401, JSON.stringify(reply.json))
  assert.equal(reply.receipt, null)
  assert.deepEqual(reply.json, {
    error: { code: 401, title: 'Unauthorized', message: 'Could not find auth receipt.' },
  })
}

describe('test/identity/api/auth/receipts.mfa_flow.process', () => {
  before(async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'baton-mfa-')), 'credential-keys')
    setupKeyRepository({ path: keys, maxActiveKeys: 3, logger: { warn() {} } })
    identity = await startTestIdentity({
      clock: testClock(Date.UTC(2030, 0, 1, 0, 0, 7)),
      extraConfig: ['[credential]', `key_repository = ${keys}`, '[auth]', `methods = ${METHODS}`],
    })
    const alice = identity.users.alice.id
    await identity.admin('POST', '/credentials', {
      credential: { type: 'totp', user_id: alice, blob: SECRET },
    })
    await identity.admin('PATCH', `/users/${alice}`, {
      user: { options: { multi_factor_auth_rules: RULES } },
    })
  })
  after(() => identity.close())

  test('password alone: 401 with a receipt and Keystone body; receipt + totp: a token with both', async () => {
    const first = await authTokens(alicePassword())
    assert.equal(first.status, 401, JSON.stringify(first.json))
    assert.ok(first.receipt && /^[A-Za-z0-9_-]+$/.test(first.receipt))
    assert.deepEqual(first.json, {
      receipt: {
        methods: ['password'],
        user: {
          id: identity.users.alice.id,
          name: 'alice',
          domain: { id: 'default', name: 'Default' },
        },
        expires_at: '2030-01-01T00:05:07.000000Z',
        issued_at: '2030-01-01T00:00:07.000000Z',
      },
      required_auth_methods: RULES,
    })
    identity.clock.advance(60) // a later 30 s window: the passcode changes, the receipt holds
    const second = await authTokens(aliceTotp(), { 'Openstack-Auth-Receipt': first.receipt })
    assert.equal(second.status, 201, JSON.stringify(second.json))
    assert.deepEqual([...second.json.token.methods].sort(), ['password', 'totp'])
    assert.equal(second.json.token.user.id, identity.users.alice.id)
  })

  test('totp alone is refused the same way, with its own receipt', async () => {
    const reply = await authTokens(aliceTotp())
    assert.equal(reply.status, 401)
    assert.ok(reply.receipt)
    assert.deepEqual(reply.json.receipt.methods, ['totp'])
    assert.deepEqual(reply.json.required_auth_methods, RULES)
  })

  test('both factors in one request need no receipt', async () => {
    const reply = await authTokens({
      methods: ['password', 'totp'],
      password: alicePassword().password,
      totp: aliceTotp().totp,
    })
    assert.equal(reply.status, 201, JSON.stringify(reply.json))
    assert.deepEqual([...reply.json.token.methods].sort(), ['password', 'totp'])
  })

  test('a wrong or stale passcode is the generic 401, with no receipt', async () => {
    const first = await authTokens(alicePassword())
    assert.ok(first.receipt)
    const wrong = String((Number(passcode()) + 1) % 1_000_000).padStart(6, '0')
    const old = totpPasscodes(SECRET, identity.clock.now() - 60_000, 0)[0] ?? ''
    for (const code of [wrong, old, 123456 as unknown as string]) {
      const reply = await authTokens(aliceTotp(code), { 'Openstack-Auth-Receipt': first.receipt })
      assert.equal(reply.status, 401, String(code))
      assert.equal(reply.receipt, null)
      assert.equal(reply.json.error.message, 'The request you have made requires authentication.')
    }
    // the window before the current one still counts ([totp] included_previous_windows = 1)
    const previous = totpPasscodes(SECRET, identity.clock.now() - 30_000, 0)[0] ?? ''
    const ok = await authTokens(aliceTotp(previous), { 'Openstack-Auth-Receipt': first.receipt })
    assert.equal(ok.status, 201)
  })

  test('an expired receipt, another user receipt and a malformed one: ReceiptNotFound', async () => {
    const first = await authTokens(alicePassword())
    assert.ok(first.receipt)
    identity.clock.advance(300) // [receipt] expiration
    assertReceiptNotFound(
      await authTokens(aliceTotp(), { 'Openstack-Auth-Receipt': first.receipt }),
    )

    const fresh = await authTokens(alicePassword())
    assert.ok(fresh.receipt)
    const { nosvc } = identity.users
    assertReceiptNotFound(
      await authTokens(
        { methods: ['password'], password: { user: { id: nosvc.id, password: nosvc.password } } },
        { 'Openstack-Auth-Receipt': fresh.receipt },
      ),
    )
    for (const bad of ['garbage', `${fresh.receipt.slice(0, -4)}AAAA`, `${fresh.receipt}==x`]) {
      assertReceiptNotFound(await authTokens(aliceTotp(), { 'Openstack-Auth-Receipt': bad }))
    }
    // a user without rules still gets a token without any receipt
    const plain = await authTokens({
      methods: ['password'],
      password: { user: { id: nosvc.id, password: nosvc.password } },
    })
    assert.equal(plain.status, 201)
  })

  test('totp: malformed body 400; no credential, unknown user, unusable secret: 401', async () => {
    const { nosvc } = identity.users
    const nosvcTotp = (code: string) => ({
      methods: ['totp'],
      totp: { user: { id: nosvc.id, passcode: code } },
    })
    const missingUser = await authTokens({ methods: ['totp'], totp: {} })
    assert.equal(missingUser.status, 400)
    assert.match(missingUser.json.error.message, /^Expecting to find user in None\./)
    assert.equal((await authTokens(nosvcTotp(passcode()))).status, 401) // no totp credential
    const unknown = await authTokens({
      methods: ['totp'],
      totp: { user: { name: 'nobody', domain: { id: 'default' }, passcode: passcode() } },
    })
    assert.equal(unknown.status, 401)
    // a secret Keystone cannot use (10-byte key) is skipped; the next credential still matches
    const short = 'GEZDGNBVGY3TQOJQ'
    await identity.admin('POST', '/credentials', {
      credential: { type: 'totp', user_id: nosvc.id, blob: short },
    })
    // what an implementation without pyca's 128-bit key rule would accept
    const shortKey = pyB32Decode(short)
    assert.ok(shortKey)
    const shortCode = hotp(shortKey, BigInt(Math.floor(identity.clock.now() / 30_000)))
    assert.equal((await authTokens(nosvcTotp(shortCode))).status, 401)
    await identity.admin('POST', '/credentials', {
      credential: { type: 'totp', user_id: nosvc.id, blob: SECRET },
    })
    const ok = await authTokens(nosvcTotp(passcode()))
    assert.equal(ok.status, 201, JSON.stringify(ok.json))
    assert.deepEqual(ok.json.token.methods, ['totp']) // no rules: one factor is enough
  })

  const noPython =
    spawnSync(PYTHON, ['-c', 'import keystoneauth1.identity.v3'], { stdio: 'ignore' }).status === 0
      ? false
      : 'python3-keystoneauth1 is not installed'

  test('keystoneauth1: MissingAuthMethods, then ReceiptMethod + TOTPMethod; MultiFactor', {
    skip: noPython,
  }, async () => {
    // asynchronously: the server answering Python runs on this event loop
    const input = JSON.stringify({
      url: identity.url,
      user: 'alice',
      password: identity.users.alice.password,
      passcode: passcode(),
      project: 'demo',
    })
    const run = await new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
      const child = execFile(
        PYTHON,
        [new URL('./fixtures/keystoneauth_mfa.py', import.meta.url).pathname],
        { timeout: 60_000 },
        (error, stdout, stderr) => done({ status: error ? 1 : 0, stdout, stderr }),
      )
      child.stdin?.end(input)
    })
    assert.equal(run.status, 0, run.stderr)
    assert.deepEqual(JSON.parse(run.stdout), {
      receipt_flow: {
        methods: ['password'],
        required: RULES,
        receipt: true,
        token_methods: ['password', 'totp'],
        user_id: identity.users.alice.id,
        project_name: 'demo',
      },
      multi_factor: ['password', 'totp'],
    })
  })
})
