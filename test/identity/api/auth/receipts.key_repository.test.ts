/**
 * A receipt key repository of its own (`[fernet_receipts] key_repository`), made and rotated by
 * `baton keys setup|rotate --receipts`: the identity server encrypts receipts with those keys, not
 * the token keys, and a receipt issued before a receipt rotation still continues the flow.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { main } from '@baton/cli'
import { loadKeys, setupKeyRepository } from '@baton/fernet'
import { totpPasscodes } from '../../../../packages/identity/src/core/auth/totp_passcodes.ts'
import {
  startTestIdentity,
  type TestIdentity,
  testClock,
} from '../../../support/identity_server.ts'

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const METHODS = 'external,password,token,oauth1,mapped,application_credential,totp'

let identity: TestIdentity
let receiptKeys: string
let cliConf: string

async function baton(args: string[]): Promise<void> {
  const err: string[] = []
  const status = await main([...args, '--config-file', cliConf], {
    out: () => {},
    err: (line) => err.push(line),
    env: {},
    now: () => identity?.clock.now() ?? Date.UTC(2030, 0, 1),
    debug: false,
  })
  assert.equal(status, 0, err.join('\n'))
}

async function authTokens(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(`${identity.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ auth: { identity: body } }),
  })
  await res.text()
  return { status: res.status, receipt: res.headers.get('openstack-auth-receipt') }
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'baton-receipt-keys-'))
  receiptKeys = join(dir, 'receipt-keys')
  cliConf = join(dir, 'cli.conf')
  writeFileSync(
    cliConf,
    [
      '[fernet_tokens]',
      `key_repository = ${join(dir, 'unused-token-keys')}`,
      '[fernet_receipts]',
      `key_repository = ${receiptKeys}`,
      '',
    ].join('\n'),
  )
  await baton(['keys', 'setup', '--receipts'])
  const credentialKeys = join(dir, 'credential-keys')
  setupKeyRepository({ path: credentialKeys, maxActiveKeys: 3, logger: { warn() {} } })
  identity = await startTestIdentity({
    clock: testClock(Date.UTC(2030, 0, 1, 0, 0, 7)),
    extraConfig: [
      '[credential]',
      `key_repository = ${credentialKeys}`,
      '[fernet_receipts]',
      `key_repository = ${receiptKeys}`,
      '[auth]',
      `methods = ${METHODS}`,
    ],
  })
  const alice = identity.users.alice.id
  await identity.admin('POST', '/credentials', {
    credential: { type: 'totp', user_id: alice, blob: SECRET },
  })
  await identity.admin('PATCH', `/users/${alice}`, {
    user: { options: { multi_factor_auth_rules: [['password', 'totp']] } },
  })
})
after(() => identity?.close())

test('receipts are encrypted with the receipt keys, and survive a receipt key rotation', async () => {
  const { id, password } = identity.users.alice
  const first = await authTokens({ methods: ['password'], password: { user: { id, password } } })
  assert.equal(first.status, 401)
  assert.ok(first.receipt)
  // the receipt repository's keys open it
  loadKeys(receiptKeys, { logger: { warn() {} } }).fernet.decrypt(first.receipt)

  // promote the staged receipt key (no key is purged): the old primary still opens the receipt
  await baton(['keys', 'rotate', '--receipts'])
  identity.clock.advance(60)
  const passcode = totpPasscodes(SECRET, identity.clock.now(), 0)[0] ?? ''
  const second = await authTokens(
    { methods: ['totp'], totp: { user: { id, passcode } } },
    { 'Openstack-Auth-Receipt': first.receipt },
  )
  assert.equal(second.status, 201)
})
