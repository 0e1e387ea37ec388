/**
 * hashPassword writes passlib's exact formats with Keystone's parameters: per-algorithm defaults
 * when `password_hash_rounds` is unset (or 0), the configured salt size and scrypt tuning, and
 * the errors Keystone's settings checks would raise.
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PasswordHashConfigError, ValidationError } from '../../../packages/identity/src/errors.ts'
import {
  type HashPasswordOptions,
  hashPassword,
  KEYSTONE_DEFAULT_ROUNDS,
  verifyPassword,
} from '../../../packages/identity/src/passwords/index.ts'

const BCRYPT64 = '[./A-Za-z0-9]'
const B64 = '[A-Za-z0-9+/]'
const AB64 = '[A-Za-z0-9./]'

/** passlib's unpadded base64 length for n bytes. */
const b64Length = (bytes: number): number => Math.ceil((bytes * 4) / 3)

describe('hashPassword formats', () => {
  it('bcrypt: $2b$, two-digit cost, 22+31 bcrypt64 characters', async () => {
    const hash = await hashPassword('secret', { algorithm: 'bcrypt', rounds: 5 })
    assert.match(hash, new RegExp(`^\\$2b\\$05\\$${BCRYPT64}{53}$`))
    assert.equal(await verifyPassword('secret', hash), true)
  })

  it('bcrypt_sha256: passlib v2 layout with an unpadded cost', async () => {
    const hash = await hashPassword('secret', { algorithm: 'bcrypt_sha256', rounds: 4 })
    assert.match(
      hash,
      new RegExp(`^\\$bcrypt-sha256\\$v=2,t=2b,r=4\\$${BCRYPT64}{22}\\$${BCRYPT64}{31}$`),
    )
    assert.equal(await verifyPassword('secret', hash, { algorithm: 'bcrypt_sha256' }), true)
  })

  it('scrypt: ln/r/p and standard unpadded base64, 16-byte salt, 32-byte checksum', async () => {
    const hash = await hashPassword('secret', { algorithm: 'scrypt', rounds: 4 })
    assert.match(hash, new RegExp(`^\\$scrypt\\$ln=4,r=8,p=1\\$${B64}{22}\\$${B64}{43}$`))
    assert.equal(await verifyPassword('secret', hash, { algorithm: 'scrypt' }), true)
  })

  it('scrypt honours scrypt_block_size, scrypt_parallelism and salt_bytesize', async () => {
    const options: HashPasswordOptions = {
      algorithm: 'scrypt',
      rounds: 5,
      scryptBlockSize: 4,
      scryptParallelism: 2,
      saltBytes: 24,
    }
    const hash = await hashPassword('secret', options)
    assert.match(hash, new RegExp(`^\\$scrypt\\$ln=5,r=4,p=2\\$${B64}{32}\\$${B64}{43}$`))
  })

  it('pbkdf2_sha512: decimal rounds, ab64 salt and 64-byte checksum', async () => {
    const hash = await hashPassword('secret', { algorithm: 'pbkdf2_sha512', rounds: 1000 })
    assert.match(hash, new RegExp(`^\\$pbkdf2-sha512\\$1000\\$${AB64}{22}\\$${AB64}{86}$`))
    const wide = await hashPassword('secret', {
      algorithm: 'pbkdf2_sha512',
      rounds: 1000,
      saltBytes: 32,
    })
    assert.equal(wide.split('$')[3]?.length, b64Length(32))
  })

  it('unset or 0 rounds mean passlib defaults: bcrypt 12, scrypt 16, pbkdf2_sha512 25000', async () => {
    assert.deepEqual(KEYSTONE_DEFAULT_ROUNDS, {
      bcrypt: 12,
      bcrypt_sha256: 12,
      scrypt: 16,
      pbkdf2_sha512: 25000,
    })
    const [bcrypt, pbkdf2, zero] = await Promise.all([
      hashPassword('x', { algorithm: 'bcrypt' }),
      hashPassword('x', { algorithm: 'pbkdf2_sha512', rounds: undefined }),
      hashPassword('x', { algorithm: 'pbkdf2_sha512', rounds: 0, saltBytes: 0 }),
    ])
    assert.match(bcrypt, /^\$2b\$12\$/)
    assert.match(pbkdf2, /^\$pbkdf2-sha512\$25000\$/)
    // salt_bytesize 0 is "unset" too (Keystone tests it for truthiness): 16 bytes
    assert.equal(zero.split('$')[3]?.length, b64Length(16))
  })

  it('every hash is freshly salted', async () => {
    const options: HashPasswordOptions = { algorithm: 'bcrypt', rounds: 4 }
    const [a, b] = await Promise.all([hashPassword('same', options), hashPassword('same', options)])
    assert.notEqual(a, b)
  })

  it('NUL: refused by bcrypt (passlib does too), fine where it is hashed whole', async () => {
    await assert.rejects(hashPassword('a\u0000b', { algorithm: 'bcrypt', rounds: 4 }), (error) => {
      assert.ok(error instanceof ValidationError)
      assert.equal(error.status, 400)
      assert.ok(!error.message.includes('a\u0000b'))
      return true
    })
    for (const options of [
      { algorithm: 'bcrypt_sha256', rounds: 4 },
      { algorithm: 'pbkdf2_sha512', rounds: 1000 },
      { algorithm: 'scrypt', rounds: 4 },
    ] as const) {
      const hash = await hashPassword('a\u0000b', options)
      assert.equal(await verifyPassword('a\u0000b', hash, options), true)
      assert.equal(await verifyPassword('a\u0000c', hash, options), false)
      assert.equal(await verifyPassword('a', hash, options), false)
    }
  })
})

describe('hashPassword settings errors (passlib would refuse them: a 500)', () => {
  const bad: [string, HashPasswordOptions][] = [
    ['bcrypt cost 3', { algorithm: 'bcrypt', rounds: 3 }],
    ['bcrypt cost 32', { algorithm: 'bcrypt', rounds: 32 }],
    ['bcrypt_sha256 cost 3', { algorithm: 'bcrypt_sha256', rounds: 3 }],
    ['scrypt ln 32', { algorithm: 'scrypt', rounds: 32 }],
    [
      'scrypt r*p too large',
      { algorithm: 'scrypt', rounds: 4, scryptBlockSize: 2 ** 15, scryptParallelism: 2 ** 15 },
    ],
    ['scrypt over the memory ceiling', { algorithm: 'scrypt', rounds: 22 }],
    ['pbkdf2 rounds negative', { algorithm: 'pbkdf2_sha512', rounds: -1 }],
    ['pbkdf2 rounds fractional', { algorithm: 'pbkdf2_sha512', rounds: 1.5 }],
    ['salt of 1025 bytes', { algorithm: 'pbkdf2_sha512', rounds: 1000, saltBytes: 1025 }],
    ['max_password_length above 4096', { algorithm: 'pbkdf2_sha512', maxPasswordLength: 4097 }],
    ['unknown algorithm', { algorithm: 'argon2' as 'bcrypt' }],
  ]
  for (const [name, options] of bad) {
    it(name, async () => {
      await assert.rejects(hashPassword('secret', options), (error) => {
        assert.ok(error instanceof PasswordHashConfigError, String(error))
        assert.equal(error.status, 500)
        return true
      })
    })
  }

  it("an unknown algorithm fails with Keystone's message", async () => {
    await assert.rejects(hashPassword('secret', { algorithm: 'argon2' as 'bcrypt' }), {
      message: 'Password Hash Algorithm argon2 not found',
    })
  })
})
