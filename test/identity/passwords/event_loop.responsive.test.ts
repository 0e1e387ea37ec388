/**
 * Hashing and verifying never block the event loop: a 5 ms interval keeps ticking while the work
 * runs. The bar is behaviour, not speed: at least a fifth of the ticks an idle loop would see (a
 * blocking implementation, like bcryptjs, sees almost none).
 * @module
 */

import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { hashPassword, verifyPassword } from '../../../packages/identity/src/passwords/index.ts'
import { loadFixtures, ticksDuring } from './helpers.ts'

function assertResponsive(
  t: TestContext,
  result: { ticks: number; ideal: number; ms: number },
): void {
  const summary = `${result.ticks} ticks of ${result.ideal} in ${Math.round(result.ms)} ms`
  t.diagnostic(summary)
  assert.ok(result.ideal >= 10, `too quick to judge: ${summary}`)
  // A blocked loop sees one or two ticks; a fifth of ideal tolerates a loaded shared machine.
  assert.ok(result.ticks >= result.ideal / 5, `event loop starved: ${summary}`)
}

describe('the event loop keeps turning', () => {
  it('while 4 cost-12 bcrypt hashes run', async (t) => {
    const result = await ticksDuring(() =>
      Promise.all(Array.from({ length: 4 }, () => hashPassword('secret', { algorithm: 'bcrypt' }))),
    )
    assertResponsive(t, result)
  })

  it('while a 656000-round sha512_crypt hash is verified (sliced on the loop)', async (t) => {
    const fixture = loadFixtures().cases.find((c) => c.hash.startsWith('$6$rounds=656000$'))
    const password = fixture?.checks[0]?.password
    assert.ok(fixture !== undefined && password !== undefined)
    let verified: boolean | undefined
    const result = await ticksDuring(async () => {
      verified = await verifyPassword(password, fixture.hash)
    })
    assert.equal(verified, true)
    assertResponsive(t, result)
  })

  it('while scrypt (ln=16) and pbkdf2_sha512 hash and verify', async (t) => {
    const result = await ticksDuring(async () => {
      const [scrypt, pbkdf2] = await Promise.all([
        hashPassword('secret', { algorithm: 'scrypt' }),
        hashPassword('secret', { algorithm: 'pbkdf2_sha512', rounds: 200000 }),
      ])
      await Promise.all([
        verifyPassword('secret', scrypt, { algorithm: 'scrypt' }),
        verifyPassword('secret', pbkdf2, { algorithm: 'pbkdf2_sha512' }),
      ])
    })
    assertResponsive(t, result)
  })
})
