import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KeystoneError, TokenNotFound } from '../../../packages/identity/src/index.ts'
import { decodedFrom, fixture, formatterFor } from '../support/keystone_fixture.ts'

const formatter = formatterFor()

function outcome(
  token: string,
): { ok: ReturnType<typeof formatter.validateToken> } | { error: KeystoneError } {
  try {
    return { ok: formatter.validateToken(token) }
  } catch (error) {
    assert.ok(error instanceof KeystoneError, `not a KeystoneError: ${String(error)}`)
    return { error }
  }
}

describe('hand-made payloads reach the same verdict as Keystone 22', () => {
  for (const c of fixture.edge_cases) {
    it(`${c.name} (${c.baton === 'same' ? 'as Keystone' : c.baton})`, () => {
      const result = outcome(c.token)
      if (c.baton === 'same' && 'ok' in c.keystone) {
        assert.ok(
          'ok' in result,
          `Baton rejected what Keystone accepts: ${'error' in result ? String(result.error.cause) : ''}`,
        )
        const version = Number.parseInt(c.msgpack_hex.slice(2, 4), 16)
        assert.deepStrictEqual(result.ok, decodedFrom(version, c.keystone.ok))
      } else {
        if (c.baton !== 'same')
          assert.ok('ok' in c.keystone, 'stricter cases are ones Keystone accepts')
        assert.ok('error' in result, 'Baton must reject')
        assert.ok(result.error instanceof TokenNotFound)
        assert.equal(result.error.status, 404)
        assert.doesNotMatch(result.error.message, new RegExp(c.token.slice(0, 20)))
      }
    })
  }

  it('keeps Keystone messages: unknown int versions name the version', () => {
    const unknown = fixture.edge_cases.find((c) => c.name === 'unknown version 11')
    assert.ok(unknown)
    assert.throws(() => formatter.validateToken(unknown.token), {
      name: 'TokenNotFound',
      message: 'This is not a recognized Fernet payload version: 11',
    })
    const negative = fixture.edge_cases.find((c) => c.name === 'version -1')
    assert.ok(negative)
    assert.throws(() => formatter.validateToken(negative.token), {
      message: 'This is not a recognized Fernet payload version: -1',
    })
    const truncated = fixture.edge_cases.find((c) => c.name === 'truncated')
    assert.ok(truncated)
    assert.throws(() => formatter.validateToken(truncated.token), {
      message: 'Could not recognize Fernet token',
    })
  })
})

/** Spellings Keystone takes only through Python's lenient base64 decoder; Baton wants one form. */
const STRICTER = new Set([
  'three pads',
  'four pads',
  'two pads on a 1-pad token',
  'standard alphabet',
  'non-canonical final char',
])

describe('token spellings', () => {
  for (const c of fixture.token_string_cases) {
    const expected = c.keystone === 'ok' && !STRICTER.has(c.name) ? 'ok' : 'error'
    it(`${c.name}: ${expected}${STRICTER.has(c.name) ? ' (Keystone accepts: stricter)' : ''}`, () => {
      const result = outcome(c.token)
      assert.equal('ok' in result ? 'ok' : 'error', expected)
      if ('error' in result) {
        assert.equal(result.error.message, 'Could not recognize Fernet token')
        if (c.token.length > 0) assert.ok(!result.error.message.includes(c.token))
      }
    })
  }
})
