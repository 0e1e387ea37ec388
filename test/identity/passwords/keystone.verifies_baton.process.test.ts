/**
 * The other direction: hashes Baton writes are handed to the real Keystone 22 (check_password, in
 * a /usr/bin/python3 subprocess) under the same config, and Keystone must give Baton's answers:
 * the password verifies, near misses do not, and truncation lands on the same bytes.
 * bcrypt_sha256 goes through passlib's bcrypt_sha256 (what upstream Keystone uses; Keystone 22
 * itself cannot read that format). Skipped, with the reason, without python3-keystone.
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type HashPasswordOptions,
  hashPassword,
  verifyPassword,
} from '../../../packages/identity/src/passwords/index.ts'
import { keystoneCheck, keystoneMissing } from './keystone_check.ts'

const ASCII_72 = `${'abcdefghij'.repeat(7)}kl`
const PASSWORDS = [
  'secret',
  '',
  'p\u00e4ssw\u00f6rd',
  '\u5bc6\u7801\u{1f511} \u043f\u0430\u0440\u043e\u043b\u044c',
  ASCII_72,
  `${ASCII_72}m`,
  `${'x'.repeat(71)}\u00e9`, // 73 bytes: the 72-byte cut splits the e-acute
  'long \u00fcnicode password '.repeat(8),
]

const CONFIGS: HashPasswordOptions[] = [
  { algorithm: 'bcrypt', rounds: 4 },
  { algorithm: 'bcrypt_sha256', rounds: 4 },
  { algorithm: 'scrypt', rounds: 4 },
  { algorithm: 'scrypt', rounds: 5, scryptBlockSize: 4, scryptParallelism: 2, saltBytes: 24 },
  { algorithm: 'pbkdf2_sha512', rounds: 1000 },
  { algorithm: 'pbkdf2_sha512', rounds: 1000, saltBytes: 32 },
  { algorithm: 'pbkdf2_sha512', rounds: 1000, maxPasswordLength: 16 },
]

function candidates(password: string, algorithm: string): string[] {
  const out = [password, `${password}x`, 'wrong', `${password.slice(0, -1)}`]
  if (algorithm !== 'bcrypt') out.push(`nul\u0000${password}`)
  return out
}

describe('keystone verifies what Baton writes', { skip: keystoneMissing }, () => {
  it('every algorithm, password and config: Keystone answers as Baton does', async () => {
    const checks: { password: string; hash: string; config: HashPasswordOptions }[] = []
    for (const config of CONFIGS) {
      for (const password of PASSWORDS) {
        const hash = await hashPassword(password, config)
        for (const candidate of candidates(password, config.algorithm)) {
          checks.push({ password: candidate, hash, config })
        }
      }
    }
    const keystone = keystoneCheck(checks)
    const baton = await Promise.all(checks.map((c) => verifyPassword(c.password, c.hash, c.config)))
    let verified = 0
    checks.forEach((check, i) => {
      const context = `${check.hash.slice(0, 20)}… ${JSON.stringify(check.password)}`
      assert.deepEqual(keystone[i], { ok: baton[i] }, context)
      if (baton[i]) verified++
    })
    // every hash verified with its own password, and more (truncation, prefixes) on top
    assert.ok(verified >= CONFIGS.length * PASSWORDS.length)
  })

  it('the default costs: bcrypt 12, scrypt ln=16, pbkdf2_sha512 25000', async () => {
    const hashes = await Promise.all([
      hashPassword('correct horse', { algorithm: 'bcrypt' }),
      hashPassword('correct horse', { algorithm: 'scrypt' }),
      hashPassword('correct horse', { algorithm: 'pbkdf2_sha512' }),
    ])
    assert.match(hashes[0] ?? '', /^\$2b\$12\$/)
    assert.match(hashes[1] ?? '', /^\$scrypt\$ln=16,r=8,p=1\$/)
    assert.match(hashes[2] ?? '', /^\$pbkdf2-sha512\$25000\$/)
    const answers = keystoneCheck(
      hashes.flatMap((hash) => [
        { password: 'correct horse', hash, config: {} },
        { password: 'correct horsE', hash, config: {} },
      ]),
    )
    assert.deepEqual(answers, [
      { ok: true },
      { ok: false },
      { ok: true },
      { ok: false },
      { ok: true },
      { ok: false },
    ])
  })
})
