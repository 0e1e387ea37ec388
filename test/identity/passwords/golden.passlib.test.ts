/**
 * Every hash in fixtures/passlib_hashes.json (made by Keystone 22's hash_password, or by passlib for
 * the formats Keystone only reads) gets, for each recorded password and config, the answer the
 * real Keystone gave: true, false, or the same PasswordVerificationError.
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PasswordVerificationError } from '../../../packages/identity/src/errors.ts'
import { verifyPassword } from '../../../packages/identity/src/passwords/index.ts'
import { type FixtureCheck, loadFixtures } from './helpers.ts'

const fixtures = loadFixtures()

async function batonAnswer(check: FixtureCheck, hash: string): Promise<unknown> {
  try {
    return { ok: await verifyPassword(check.password, hash, check.config) }
  } catch (error) {
    if (!(error instanceof PasswordVerificationError)) throw error
    return { error: 'PasswordVerificationError', message: error.message, status: error.status }
  }
}

describe(`golden: hashes from keystone ${fixtures.keystone} / passlib ${fixtures.passlib}`, () => {
  it('covers every format, unicode, empty and 72/73-byte passwords', () => {
    const hashes = fixtures.cases.map((c) => c.hash)
    for (const ident of [
      '$2b$',
      '$2a$',
      '$2y$',
      '$2$',
      '$bcrypt-sha256$v=2',
      '$bcrypt-sha256$2a',
      '$bcrypt-sha256$2b',
      '$scrypt$',
      '$7$',
      '$pbkdf2-sha512$',
      '$6$',
    ]) {
      assert.ok(
        hashes.some((h) => h.startsWith(ident)),
        ident,
      )
    }
    const passwords = fixtures.cases.flatMap((c) => c.checks.map((k) => k.password))
    const sizes = new Set(passwords.map((p) => Buffer.byteLength(p)))
    for (const size of [0, 72, 73]) assert.ok(sizes.has(size), `${size}-byte password`)
    assert.ok(
      passwords.some((p) => Buffer.byteLength(p) > p.length),
      'a non-ASCII password',
    )
    assert.ok(fixtures.cases.some((c) => c.hash.startsWith('$2b$12$')))
  })

  for (const fixture of fixtures.cases) {
    it(fixture.name, async () => {
      // one case's checks at once: bcrypt and scrypt run on the libuv pool in parallel
      const answers = await Promise.all(fixture.checks.map((c) => batonAnswer(c, fixture.hash)))
      fixture.checks.forEach((check, i) => {
        const context = `${JSON.stringify(check.password)} with ${JSON.stringify(check.config)}`
        assert.deepEqual(answers[i], check.expect, context)
      })
      // each case proves both directions: its password verifies, a wrong one does not
      const oks = fixture.checks.map((c) => ('ok' in c.expect ? c.expect.ok : null))
      assert.ok(oks.includes(true) && oks.includes(false), 'needs a matching and a wrong password')
    })
  }
})
