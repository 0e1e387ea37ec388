/**
 * The credentials API behind a real Baton identity server, with real signers: an EC2 credential
 * created through OS-EC2 authenticates S3 requests botocore signed (v2 and v4) through
 * /v3/s3tokens, as Swift's s3token middleware sends them, and EC2 requests signed by
 * keystoneclient's Ec2Signer (v2) and botocore (v4) through /v3/ec2tokens; the blobs Baton wrote
 * decrypt in the real Keystone (fixtures/keystone_credentials.py decrypt).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { setupKeyRepository } from '@baton/fernet'
import {
  createStore,
  openDatabase,
  type StoredCredential,
} from '../../../../packages/identity/src/store/index.ts'
import {
  startTestIdentity,
  type TestIdentity,
  testClock,
} from '../../../support/identity_server.ts'

const PYTHON = '/usr/bin/python3'
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname
const missing =
  spawnSync(PYTHON, ['-c', 'import botocore, keystoneclient, keystone'], { stdio: 'ignore' })
    .status === 0
    ? false
    : 'python3-botocore, python3-keystoneclient or python3-keystone is not installed'

let identity: TestIdentity
let keysDir: string

before(async () => {
  if (missing) return
  const dir = mkdtempSync(join(tmpdir(), 'baton-credentials-'))
  keysDir = join(dir, 'credential-keys')
  setupKeyRepository({ path: keysDir, maxActiveKeys: 3, logger: { warn() {} } })
  identity = await startTestIdentity({
    clock: testClock(Date.now()),
    extraConfig: ['[credential]', `key_repository = ${keysDir}`],
  })
})

after(async () => {
  if (!missing) await identity.close()
})

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${identity.url}/v3${path}`, {
    method,
    headers: {
      'X-Auth-Token': token,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies freely
    json: (text === '' ? undefined : JSON.parse(text)) as any,
  }
}

function sign(access: string, secret: string): Record<string, { credentials: object }> {
  const run = spawnSync(PYTHON, [fixture('sign_requests.py')], {
    input: JSON.stringify({ access, secret }),
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout)
}

test('an OS-EC2 credential authenticates botocore and Ec2Signer signatures', {
  skip: missing,
}, async () => {
  const alice = identity.users.alice
  const aliceToken = await identity.token(alice)
  const created = await call('POST', `/users/${alice.id}/credentials/OS-EC2`, aliceToken, {
    tenant_id: identity.projects.demo,
  })
  assert.equal(created.status, 201, JSON.stringify(created.json))
  const ec2 = created.json.credential
  assert.deepEqual(Object.keys(ec2).sort(), [
    'access',
    'links',
    'secret',
    'tenant_id',
    'trust_id',
    'user_id',
  ])
  assert.equal(ec2.trust_id, null)
  assert.equal(ec2.tenant_id, identity.projects.demo)
  assert.match(
    ec2.links.self,
    new RegExp(`/v3/users/${alice.id}/credentials/OS-EC2/${ec2.access}$`),
  )

  const signed = sign(ec2.access, ec2.secret)
  const svcToken = await identity.token(identity.users.svc)
  for (const [route, kinds] of [
    ['/s3tokens', ['s3_v2', 's3_v4']],
    ['/ec2tokens', ['ec2_v2', 'ec2_v4']],
  ] as const) {
    for (const kind of kinds) {
      const res = await call('POST', route, svcToken, signed[kind])
      assert.equal(res.status, 200, `${kind}: ${JSON.stringify(res.json)}`)
      const token = res.json.token
      assert.equal(token.user.id, alice.id, kind)
      assert.equal(token.project.id, identity.projects.demo, kind)
      assert.deepEqual(token.methods, ['ec2credential'], kind)
      assert.ok(
        token.roles.some((r: { name: string }) => r.name === 'member'),
        kind,
      )
      assert.ok(Array.isArray(token.catalog), kind)
      const subject = res.headers.get('x-subject-token')
      if (route === '/ec2tokens') {
        assert.ok(subject, kind)
        // the token validates, and keeps its method through the Fernet round trip
        const check = await fetch(`${identity.url}/v3/auth/tokens`, {
          headers: { 'X-Auth-Token': svcToken, 'X-Subject-Token': subject },
        })
        assert.equal(check.status, 200)
        assert.deepEqual(((await check.json()) as { token: { methods: string[] } }).token.methods, [
          'ec2credential',
        ])
      } else assert.equal(subject, null, kind)
    }
  }

  // a wrong secret, an unknown key, a non-service caller
  const forged = sign(ec2.access, 'not-the-secret')
  const bad = await call('POST', '/s3tokens', svcToken, forged.s3_v4)
  assert.equal(bad.status, 401)
  assert.equal(bad.json.error.message, 'Credential signature mismatch')
  const badEc2 = await call('POST', '/ec2tokens', svcToken, forged.ec2_v2)
  assert.equal(badEc2.status, 401)
  assert.equal(badEc2.json.error.message, 'Invalid EC2 signature.')
  const unknown = sign('no-such-access', ec2.secret)
  assert.equal((await call('POST', '/s3tokens', svcToken, unknown.s3_v2)).status, 404)
  const byAlice = await call('POST', '/s3tokens', aliceToken, signed.s3_v2)
  assert.equal(byAlice.status, 403)
})

test('blobs Baton encrypted decrypt in the real Keystone', { skip: missing }, async () => {
  const alice = identity.users.alice
  const aliceToken = await identity.token(alice)
  const certificate = await call('POST', '/credentials', aliceToken, {
    credential: { type: 'cert', user_id: alice.id, blob: 'caf\u00e9 "quoted"\n' },
  })
  assert.equal(certificate.status, 201, JSON.stringify(certificate.json))
  const ec2 = await call('POST', `/users/${alice.id}/credentials/OS-EC2`, aliceToken, {
    tenant_id: identity.projects.demo,
  })
  assert.equal(ec2.status, 201)
  const rows = await storedRows()
  const keys: Record<string, string> = {}
  for (const name of readdirSync(keysDir)) {
    if (/^\d+$/.test(name)) keys[name] = readFileSync(join(keysDir, name), 'utf8')
  }
  const run = spawnSync(PYTHON, [fixture('keystone_credentials.py'), 'decrypt'], {
    input: JSON.stringify({
      keys,
      rows: rows.map((r) => ({ type: r.type, encrypted_blob: r.encryptedBlob })),
    }),
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  const answer = JSON.parse(run.stdout) as { blobs: unknown[]; primary_key_hash: string }
  for (const [i, row] of rows.entries()) {
    assert.equal(row.keyHash, answer.primary_key_hash)
    const shown = await call('GET', `/credentials/${row.id}`, aliceToken)
    assert.equal(answer.blobs[i], shown.json.credential.blob, row.type)
  }
  assert.ok(rows.some((r) => r.id === certificate.json.credential.id))
})

async function storedRows(): Promise<StoredCredential[]> {
  const database = openDatabase(identity.databaseUrl)
  try {
    return await createStore(database).credentials.list()
  } finally {
    await database.close()
  }
}

test('a trust-scoped EC2 credential (a blob naming a trust) gets a trust-scoped token', {
  skip: missing,
}, async () => {
  const { alice, nosvc } = identity.users
  const aliceToken = await identity.token(alice)
  const trust = await call('POST', '/OS-TRUST/trusts', aliceToken, {
    trust: {
      trustor_user_id: alice.id,
      trustee_user_id: nosvc.id,
      project_id: identity.projects.demo,
      impersonation: true,
      roles: [{ name: 'member' }],
    },
  })
  assert.equal(trust.status, 201, JSON.stringify(trust.json))
  const trustId = trust.json.trust.id as string
  // as a credential imported from Keystone would hold it: the trustee's, naming the trust
  const access = 'trust-access-key'
  const secret = 'trust-secret'
  const created = await call('POST', '/credentials', await identity.token(nosvc), {
    credential: {
      type: 'ec2',
      user_id: nosvc.id,
      project_id: identity.projects.demo,
      blob: JSON.stringify({ access, secret, trust_id: trustId }),
    },
  })
  assert.equal(created.status, 201, JSON.stringify(created.json))

  const signed = sign(access, secret)
  const svcToken = await identity.token(identity.users.svc)
  const res = await call('POST', '/ec2tokens', svcToken, signed.ec2_v4)
  assert.equal(res.status, 200, JSON.stringify(res.json))
  const token = res.json.token
  assert.equal(token['OS-TRUST:trust'].id, trustId)
  assert.equal(token.user.id, alice.id, 'impersonation: the trustor')
  assert.equal(token.project.id, identity.projects.demo)
  assert.deepEqual(token.methods, ['ec2credential'])

  // once the trust is gone the credential authenticates nothing
  assert.equal((await call('DELETE', `/OS-TRUST/trusts/${trustId}`, aliceToken)).status, 204)
  const gone = await call('POST', '/ec2tokens', svcToken, signed.ec2_v4)
  assert.equal(gone.status, 404, JSON.stringify(gone.json))
})

test('a token from /v3/ec2tokens manages no application credentials, access rules or EC2 credentials (Keystone 22, LP#2159643)', {
  skip: missing,
}, async () => {
  const alice = identity.users.alice
  const aliceToken = await identity.token(alice)
  const created = await call('POST', `/users/${alice.id}/credentials/OS-EC2`, aliceToken, {
    tenant_id: identity.projects.demo,
  })
  assert.equal(created.status, 201, JSON.stringify(created.json))
  const signed = sign(created.json.credential.access, created.json.credential.secret)
  const svcToken = await identity.token(identity.users.svc)
  const res = await call('POST', '/ec2tokens', svcToken, signed.ec2_v4)
  assert.equal(res.status, 200, JSON.stringify(res.json))
  const ec2Token = res.headers.get('x-subject-token') ?? ''
  const appCreds = `/users/${alice.id}/application_credentials`
  const refused = [
    await call('POST', appCreds, ec2Token, { application_credential: { name: 'backdoor' } }),
    await call('GET', appCreds, ec2Token),
    await call('GET', `/users/${alice.id}/access_rules`, ec2Token),
  ]
  for (const r of refused) {
    assert.equal(r.status, 403, JSON.stringify(r.json))
    assert.equal(r.json.error.message, 'You are not authorized to perform the requested action.')
  }
  const ec2 = await call('POST', `/users/${alice.id}/credentials/OS-EC2`, ec2Token, {
    tenant_id: identity.projects.demo,
  })
  assert.equal(ec2.status, 403)
  assert.match(ec2.json.error.message, /Delegated tokens cannot access credentials directly/)
  // nothing was written; alice's own password token still may
  const listed = await call('GET', appCreds, aliceToken)
  assert.equal(listed.status, 200)
  assert.deepEqual(listed.json.application_credentials, [])
})
