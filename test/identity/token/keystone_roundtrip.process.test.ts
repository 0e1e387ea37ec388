/**
 * Differential check against the real Keystone: tokens Baton creates from random fields, and
 * fuzzed payloads Baton accepts, are fed to Keystone 22's validate_token (through the fixture
 * generator's --validate mode). Skipped when Debian's python3-keystone is not installed.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { DecodedToken, PayloadFields } from '../../../packages/identity/src/index.ts'
import { packPy, unpackPy } from '../../../packages/identity/src/token/msgpack_py.ts'
import { Rng, validateOrReject } from '../support/fuzz.ts'
import {
  decodedFrom,
  fixture,
  formatterFor,
  type KeystoneResult,
  keystoneKeys,
} from '../support/keystone_fixture.ts'

const PYTHON = '/usr/bin/python3'
const GENERATOR = new URL('../fixtures/generate_keystone_tokens.py', import.meta.url).pathname
const hasKeystone = spawnSync(PYTHON, ['-c', 'import keystone.token.token_formatters']).status === 0

function keystoneValidate(tokens: string[]): ({ ok: KeystoneResult } | { error: string })[] {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ks-'))
  try {
    const input = join(dir, 'tokens.json')
    writeFileSync(input, JSON.stringify(tokens.map((token) => ({ token }))))
    const run = spawnSync(PYTHON, [GENERATOR, '--validate', input], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    assert.equal(run.status, 0, run.stderr)
    return JSON.parse(run.stdout)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function randomFields(rng: Rng): PayloadFields {
  const uuid = () => Buffer.from(rng.bytes(16)).toString('hex')
  const id = () =>
    rng.pick([
      uuid,
      () => uuid().toUpperCase(),
      () => `{urn:uuid:${uuid()}}`,
      () => Buffer.from(rng.bytes(8)).toString('hex'),
      () => Buffer.from(rng.bytes(32)).toString('hex'),
      () => `naïve-${rng.int(1000)}-名前`,
      () => 'x'.repeat(rng.int(300)),
    ])()
  const audit = () => Buffer.from(rng.bytes(16)).toString('base64url')
  const methods = ['external', 'password', 'token', 'oauth1', 'mapped', 'application_credential']
  const seconds = 1_800_000_000 + rng.int(400_000_000)
  const micros = String(rng.int(1_000_000)).padStart(6, '0')
  const tz = rng.pick(['Z', '+02:00', '-0530', ''])
  const base: PayloadFields = {
    userId: id(),
    methods: [...methods, 'ec2credential', 'totp'].filter(() => rng.int(3) === 0),
    expiresAt: `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${micros}${tz}`,
    auditIds: rng.int(2) === 0 ? [audit()] : [audit(), audit()],
  }
  const fed = {
    federatedGroupIds: [id(), id()].slice(rng.int(3)),
    identityProviderId: id(),
    protocolId: id(),
  }
  switch (rng.int(10)) {
    case 1:
      return { ...base, domainId: rng.pick([uuid(), 'default']) }
    case 2:
      return { ...base, projectId: id() }
    case 3:
      return { ...base, projectId: rng.pick([id(), null]), trustId: uuid() }
    case 4:
      return { ...base, ...fed }
    case 5:
      return { ...base, ...fed, projectId: id() }
    case 6:
      return { ...base, ...fed, domainId: id() }
    case 7:
      return { ...base, projectId: id(), accessTokenId: id() }
    case 8:
      return { ...base, system: 'all' }
    case 9:
      return { ...base, projectId: id(), appCredId: id() }
    default:
      return base
  }
}

function withoutIssuedAt(d: DecodedToken): Omit<DecodedToken, 'issuedAt'> {
  const { issuedAt: _, ...rest } = d
  return rest
}

describe('Keystone 22 reads what Baton writes and accepts', {
  skip: !hasKeystone && 'python3-keystone not installed',
}, () => {
  it('random fields -> Baton token -> Keystone validate_token gives the same fields', (t) => {
    const rng = new Rng(0xc0ffee)
    const formatter = formatterFor()
    const created = Array.from({ length: 400 }, () => {
      const fields = randomFields(rng)
      const { token, version } = formatter.createToken(fields)
      return { token, version, decoded: formatter.validateToken(token) }
    })
    const results = keystoneValidate(created.map((c) => c.token))
    created.forEach((c, i) => {
      const result = results[i]
      assert.ok(result && 'ok' in result, `Keystone rejected a Baton v${c.version} token`)
      assert.deepStrictEqual(c.decoded, decodedFrom(c.version, result.ok))
    })
    t.diagnostic(`${created.length} Baton tokens validated by Keystone 22`)
  })

  it("refuses Baton's delegation payload (version 64): not a recognized payload version", () => {
    const formatter = formatterFor()
    const { token, version } = formatter.createToken({
      userId: 'c0ffeec0ffeec0ffeec0ffeec0ffee00',
      methods: ['password'],
      expiresAt: '2031-01-01T00:00:00Z',
      auditIds: ['ZGVsZWdhdGlvbmF1ZGl0MQ', 'cm9vdGF1ZGl0Y2hhaW4xMQ'],
      projectId: 'aaaaaaaabbbbbbbbccccccccdddddddd',
      delegationId: '0123456789abcdef0123456789abcdef',
    })
    assert.equal(version, 64)
    const [result] = keystoneValidate([token])
    assert.ok(result && 'error' in result, 'Keystone accepted a delegation token')
    assert.match(result.error, /not a recognized Fernet payload version: 64/)
  })

  it('every fuzzed payload Baton accepts, Keystone accepts with the same fields', (t) => {
    const rng = new Rng(0xd1ff)
    const formatter = formatterFor()
    const seeds = fixture.cases
      .filter((c) => c.version < 10)
      .map((c) => unpackPy(Buffer.from(c.msgpack_hex, 'hex'), { raw: true }))
    const accepted: { token: string; decoded: DecodedToken }[] = []
    let tried = 0
    while (accepted.length < 1500 && tried < 200_000) {
      tried++
      const bytes = [...packPy(rng.pick(seeds))]
      for (let r = 1 + rng.int(3); r > 0; r--) {
        const at = rng.int(bytes.length)
        bytes[at] = rng.int(4) === 0 ? rng.int(256) : (bytes[at] ?? 0) ^ (1 << rng.int(8))
      }
      const token = keystoneKeys.encrypt(Uint8Array.from(bytes)).replace(/=+$/, '')
      const decoded = validateOrReject((x) => formatter.validateToken(x), token)
      if (decoded !== 'rejected' && decoded.version < 10) accepted.push({ token, decoded })
    }
    const results = keystoneValidate(accepted.map((a) => a.token))
    accepted.forEach((a, i) => {
      const result = results[i]
      assert.ok(
        result && 'ok' in result,
        `Keystone rejected a payload Baton accepted: ${JSON.stringify(result)}`,
      )
      assert.deepStrictEqual(
        withoutIssuedAt(a.decoded),
        withoutIssuedAt(decodedFrom(a.decoded.version, result.ok)),
      )
    })
    t.diagnostic(
      `${tried} mutations, ${accepted.length} accepted by Baton, all accepted alike by Keystone`,
    )
  })
})
