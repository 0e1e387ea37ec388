/**
 * Keystone 22's verify_length_and_trunc_password, byte for byte: the 72-byte bcrypt limit, the
 * 4096 default, UTF-8 counting, truncation inside a character, strict mode's 403 with Keystone's
 * message (at hashing and at login), and the 400 for a non-string.
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  PasswordVerificationError,
  ValidationError,
} from '../../../packages/identity/src/errors.ts'
import {
  BCRYPT_MAX_LENGTH,
  DEFAULT_MAX_PASSWORD_LENGTH,
  hashPassword,
  verifyLengthAndTruncPassword,
  verifyPassword,
} from '../../../packages/identity/src/passwords/index.ts'

const TOO_LONG_72 =
  'The password length must be less than or equal to 72. The server could not comply with the ' +
  'request because the password is invalid.'

describe('the length rule', () => {
  it('keystone constants', () => {
    assert.equal(BCRYPT_MAX_LENGTH, 72)
    assert.equal(DEFAULT_MAX_PASSWORD_LENGTH, 4096)
  })

  it('bcrypt (the default algorithm) truncates to 72 bytes', () => {
    assert.equal(verifyLengthAndTruncPassword('a'.repeat(72)).length, 72)
    assert.deepEqual(verifyLengthAndTruncPassword('a'.repeat(73)), Buffer.from('a'.repeat(72)))
  })

  it('other algorithms keep up to max_password_length (4096), then truncate', () => {
    for (const algorithm of ['scrypt', 'pbkdf2_sha512', 'bcrypt_sha256'] as const) {
      assert.equal(verifyLengthAndTruncPassword('a'.repeat(4096), { algorithm }).length, 4096)
      assert.equal(verifyLengthAndTruncPassword('a'.repeat(5000), { algorithm }).length, 4096)
    }
  })

  it('a max_password_length under 72 wins even for bcrypt', () => {
    const bytes = verifyLengthAndTruncPassword('a'.repeat(40), { maxPasswordLength: 30 })
    assert.equal(bytes.length, 30)
  })

  it('counts UTF-8 bytes, not characters, and may cut inside a character', () => {
    const euro = '\u20ac' // 3 bytes
    assert.equal(verifyLengthAndTruncPassword(euro.repeat(24)).length, 72)
    const cut = verifyLengthAndTruncPassword(euro.repeat(25))
    assert.equal(cut.length, 72)
    const split = verifyLengthAndTruncPassword(`${'x'.repeat(71)}\u00e9`)
    assert.deepEqual(split, Buffer.concat([Buffer.from('x'.repeat(71)), Buffer.from([0xc3])]))
    const emoji = verifyLengthAndTruncPassword('\u{1f511}'.repeat(20), { algorithm: 'scrypt' })
    assert.equal(emoji.length, 80)
  })

  it('strict_password_check: PasswordVerificationError, 403 Forbidden, Keystone message', () => {
    assert.throws(
      () => verifyLengthAndTruncPassword('a'.repeat(73), { strictPasswordCheck: true }),
      (error) => {
        assert.ok(error instanceof PasswordVerificationError)
        assert.equal(error.status, 403)
        assert.equal(error.title, 'Forbidden')
        assert.equal(error.message, TOO_LONG_72)
        return true
      },
    )
    // exactly at the limit is fine, in bytes: 36 two-byte characters
    const at = verifyLengthAndTruncPassword('\u00e9'.repeat(36), { strictPasswordCheck: true })
    assert.equal(at.length, 72)
    assert.throws(
      () =>
        verifyLengthAndTruncPassword('a'.repeat(4097), {
          algorithm: 'scrypt',
          strictPasswordCheck: true,
        }),
      { message: /less than or equal to 4096\./ },
    )
  })

  it('strict mode applies at hashing and at login, as in Keystone', async () => {
    const options = { algorithm: 'bcrypt', rounds: 4, strictPasswordCheck: true } as const
    await assert.rejects(hashPassword('a'.repeat(73), options), PasswordVerificationError)
    const hash = await hashPassword('a'.repeat(72), options)
    await assert.rejects(verifyPassword('a'.repeat(73), hash, options), PasswordVerificationError)
    // without strict mode the 73rd byte is cut away and the login succeeds
    assert.equal(await verifyPassword('a'.repeat(73), hash), true)
  })

  it('the rule follows the configured algorithm, not the stored hash', async () => {
    const long = 'p'.repeat(100)
    const hash = await hashPassword(long, { algorithm: 'pbkdf2_sha512', rounds: 1000 })
    assert.equal(await verifyPassword(long, hash, { algorithm: 'pbkdf2_sha512' }), true)
    // with bcrypt configured Keystone feeds only 72 bytes to any verifier
    assert.equal(await verifyPassword(long, hash, { algorithm: 'bcrypt' }), false)
  })

  it('a non-string is ValidationError 400 with Keystone message', () => {
    assert.throws(
      () => verifyLengthAndTruncPassword(12345 as unknown as string),
      (error) => {
        assert.ok(error instanceof ValidationError)
        assert.equal(error.status, 400)
        assert.match(error.message, /^Expecting to find string in password\. The server could not/)
        return true
      },
    )
  })

  it('a lone surrogate is refused rather than silently turned into U+FFFD', () => {
    assert.throws(() => verifyLengthAndTruncPassword('ab\ud800'), ValidationError)
    assert.throws(() => verifyLengthAndTruncPassword('\udc00'), ValidationError)
    assert.equal(verifyLengthAndTruncPassword('\ud83d\udd11').length, 4)
  })
})
