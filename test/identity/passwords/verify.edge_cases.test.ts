/**
 * verifyPassword at the edges: no hash (false), unknown and malformed hashes (PasswordHashFormatError,
 * a 500 whose message never holds the hash or password), NUL passwords, sha512_crypt's published
 * test vectors, and a mutation fuzz proving a garbled hash never crashes or verifies.
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PasswordHashFormatError } from '../../../packages/identity/src/errors.ts'
import { verifyPassword } from '../../../packages/identity/src/passwords/index.ts'
import { loadFixtures } from './helpers.ts'

const fixtures = loadFixtures()
/** A cheap, valid hash of `password` for each format, from the golden fixtures. */
const SAMPLES = [
  ['bcrypt $2b$', /^\$2b\$04\$/],
  ['bcrypt $2a$', /^\$2a\$04\$/],
  ['bcrypt $2y$', /^\$2y\$04\$/],
  ['bcrypt $2$', /^\$2\$04\$/],
  ['bcrypt_sha256 v2', /^\$bcrypt-sha256\$v=2,t=2b,r=4\$/],
  ['bcrypt_sha256 v1', /^\$bcrypt-sha256\$2a,4\$/],
  ['scrypt', /^\$scrypt\$ln=4,/],
  ['scrypt $7$', /^\$7\$/],
  ['pbkdf2_sha512', /^\$pbkdf2-sha512\$1000\$/],
  ['sha512_crypt', /^\$6\$rounds=1000\$/],
].map(([name, pattern]) => {
  const found = fixtures.cases.find(
    (c) => (pattern as RegExp).test(c.hash) && c.checks[0]?.password === 'secret',
  )
  if (found === undefined) throw new Error(`no fixture for ${String(name)}`)
  return { name: String(name), hash: found.hash }
})

function isFormatError(hash: string, password = 'secret') {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PasswordHashFormatError, `${hash}: ${String(error)}`)
    assert.equal(error.status, 500)
    if (hash.length > 24) assert.ok(!error.message.includes(hash.slice(-20)), error.message)
    if (password.length > 3) assert.ok(!error.message.includes(password))
    return true
  }
}

describe('verifyPassword edge cases', () => {
  it('no stored hash (null/undefined) is false, as Keystone', async () => {
    assert.equal(await verifyPassword('secret', null), false)
    assert.equal(await verifyPassword('secret', undefined), false)
  })

  it('the samples verify their password and nothing else', async () => {
    for (const { name, hash } of SAMPLES) {
      assert.equal(await verifyPassword('secret', hash, { algorithm: 'scrypt' }), true, name)
      assert.equal(await verifyPassword('Secret', hash, { algorithm: 'scrypt' }), false, name)
    }
  })

  it("unknown idents: Keystone's 'Unsupported password hashing algorithm ident'", async () => {
    for (const hash of [
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      '$5$rounds=1000$x$y',
      '$1$abc$def',
    ]) {
      await assert.rejects(verifyPassword('secret', hash), (error) => {
        isFormatError(hash)(error)
        assert.match((error as Error).message, /^Unsupported password hashing algorithm ident: \$/)
        return true
      })
    }
    await assert.rejects(
      verifyPassword('secret', '$2x$04$abcdefghijklmnopqrstuu'),
      isFormatError(''),
    )
  })

  it('not a modular-crypt string at all', async () => {
    for (const hash of ['', 'secret', 'plaintextpassword', '$', '$$', '$2b', '{SSHA}abcdef']) {
      await assert.rejects(verifyPassword('secret', hash), isFormatError(hash))
    }
  })

  it('malformed hashes of known formats', async () => {
    const bcrypt = SAMPLES[0]?.hash ?? ''
    const pbkdf2 = SAMPLES.find((s) => s.name === 'pbkdf2_sha512')?.hash ?? ''
    const sha512 = SAMPLES.find((s) => s.name === 'sha512_crypt')?.hash ?? ''
    const v2 = SAMPLES.find((s) => s.name === 'bcrypt_sha256 v2')?.hash ?? ''
    const scrypt = SAMPLES.find((s) => s.name === 'scrypt')?.hash ?? ''
    const malformed = [
      bcrypt.slice(0, -1), // checksum one character short
      bcrypt.replace('$04$', '$03$'), // cost below passlib's minimum
      bcrypt.replace('$04$', '$4$'), // cost not two digits
      `${bcrypt.slice(0, 10)}!${bcrypt.slice(11)}`, // not bcrypt64
      pbkdf2.replace('$1000$', '$01000$'), // zero-padded rounds
      pbkdf2.replace('$1000$', '$0$'),
      pbkdf2.slice(0, -2), // checksum no longer 64 bytes
      sha512.replace('rounds=1000', 'rounds=999'), // passlib refuses < 1000
      sha512.replace('rounds=1000', 'rounds=01000'),
      sha512.replace(/\$([^$]{16})\$/, '$$$1abc$$'), // salt over 16 characters
      v2.replace('v=2', 'v=3'),
      v2.replace('r=4', 'r=04'),
      scrypt.replace('ln=4', 'ln=40'),
      scrypt.replace('ln=4', 'ln=22'), // 4 GiB: over Baton's ceiling
      scrypt.replace('r=8', 'r=0'),
      `${scrypt}$extra`,
      `${pbkdf2.slice(0, 30)}\u00e9${pbkdf2.slice(31)}`, // not ASCII
    ]
    for (const hash of malformed) {
      await assert.rejects(
        verifyPassword('secret', hash, { algorithm: 'scrypt' }),
        isFormatError(hash),
      )
    }
  })

  it('bcrypt_sha256 v2 with a non-canonical salt is refused, as passlib does', async () => {
    const v2 = SAMPLES.find((s) => s.name === 'bcrypt_sha256 v2')?.hash ?? ''
    const parts = v2.split('$')
    const salt = parts[3] ?? ''
    const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    const last = alphabet.indexOf(salt.slice(-1))
    parts[3] = salt.slice(0, -1) + alphabet.charAt(last | 0x0f)
    await assert.rejects(verifyPassword('secret', parts.join('$')), isFormatError(''))
  })

  it('a password with NUL never matches bcrypt or sha512_crypt (passlib refuses it)', async () => {
    for (const { name, hash } of SAMPLES.filter((s) => /^(bcrypt \$|sha512)/.test(s.name))) {
      assert.equal(await verifyPassword('secret\u0000', hash), false, name)
      assert.equal(await verifyPassword('\u0000secret', hash), false, name)
    }
  })

  it("sha512_crypt: the specification's own test vectors (glibc agrees)", async () => {
    const vectors = [
      [
        'Hello world!',
        '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
      ],
      [
        'Hello world!',
        '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
      ],
      [
        'This is just a test',
        '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0',
      ],
    ]
    for (const [password = '', hash = ''] of vectors) {
      assert.equal(await verifyPassword(password, hash), true, hash)
      assert.equal(await verifyPassword(`${password}.`, hash), false, hash)
    }
  })

  it('fuzz: mutated hashes either parse and fail, or raise PasswordHashFormatError', async () => {
    let seed = 42
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const chars = '$./0123456789=,+abcxyzABCXYZ-\u0000\u00e9 '
    let falses = 0
    let formatErrors = 0
    for (const { hash } of SAMPLES) {
      // the unused bits of bcrypt's last salt and checksum characters are ignored (passlib too),
      // so a change there may legitimately still verify
      const ignored = hash.startsWith('$2') ? [hash.length - 32, hash.length - 1] : []
      if (hash.startsWith('$bcrypt-sha256$2')) ignored.push(hash.length - 33, hash.length - 1)
      for (let i = 0; i < 25; i++) {
        const at = random(hash.length)
        const mutated = random(3)
          ? hash.slice(0, at) + chars.charAt(random(chars.length)) + hash.slice(at + 1)
          : hash.slice(0, at)
        if (mutated === hash || ignored.includes(at)) continue
        // a raised bcrypt cost is valid but slow (cost 24: minutes), not what this is about
        if (Number(/^\$2[aby]?\$(\d\d)\$/.exec(mutated)?.[1] ?? 0) > 10) continue
        try {
          assert.equal(await verifyPassword('secret', mutated, { algorithm: 'scrypt' }), false)
          falses++
        } catch (error) {
          isFormatError(mutated)(error)
          formatErrors++
        }
      }
    }
    assert.ok(falses > 0 && formatErrors > 0, `${falses} false, ${formatErrors} errors`)
  })
})
