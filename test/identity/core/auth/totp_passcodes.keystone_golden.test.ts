/**
 * TOTP passcodes against Keystone 22's own `_generate_totp_passcodes` (fixtures/keystone_totp.json,
 * from generate_keystone_totp.py): the same passcodes for the same secret, time and number of
 * earlier windows, and none for a secret Keystone cannot decode or whose key is too short.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import {
  pyB32Decode,
  totpPasscodes,
} from '../../../../packages/identity/src/core/auth/totp_passcodes.ts'

type Case = { secret: string; now_ms: number; windows: number; passcodes: string[] }
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/keystone_totp.json', import.meta.url), 'utf8'),
) as { cases: Case[] }

describe('test/identity/core/auth/totp_passcodes.keystone_golden', () => {
  test('every fixture case yields Keystone passcodes, in Keystone order', () => {
    assert.ok(golden.cases.some((c) => c.passcodes.length > 0))
    assert.ok(golden.cases.some((c) => c.passcodes.length === 0))
    for (const c of golden.cases) {
      assert.deepEqual(totpPasscodes(c.secret, c.now_ms, c.windows), c.passcodes, JSON.stringify(c))
    }
  })

  test('base32 decoding follows Python: padding, alphabet and the partial last quantum', () => {
    assert.deepEqual(pyB32Decode('MZXW6YQ'), Buffer.from('foob'))
    assert.deepEqual(pyB32Decode('MZXW6'), Buffer.from('foo'))
    assert.deepEqual(pyB32Decode('MY'), Buffer.from('f'))
    assert.equal(pyB32Decode('M'), undefined) // 7 '=' are refused
    assert.equal(pyB32Decode('mzxw6'), undefined) // no casefold
    assert.equal(pyB32Decode('MZ=W6'), undefined)
  })
})
